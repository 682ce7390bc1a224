"""``cs.classify(...)`` and ``cs.concepts()`` while ``cooperative_security.classify`` and ``.concepts`` are modules.

Once a submodule is imported, Python makes it the package's attribute of that name, so the notebook API's
functions of the same names would be hidden by the modules. The two modules are made callable instead:
calling one calls the API function (:mod:`cooperative_security.api`); everything else in them is unchanged.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def make_callable(module_name: str, function: str) -> None:
    module = sys.modules[module_name]

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            api = importlib.import_module(__package__ + ".api")
            return getattr(api, function)(*args, **kwargs)

    CallableModule.__call__.__doc__ = f"cooperative_security.api.{function}"
    module.__class__ = CallableModule
