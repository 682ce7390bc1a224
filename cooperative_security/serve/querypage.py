"""The query page for people: YASGUI (vendored from npm, served at ``/vendor/``: it works offline) with
the project's prefixes, and the named queries of ``queries/`` as examples.

Results are YASR's paged table; an IRI of the project links to its page on this server, another
http(s) IRI to itself, and any other IRI (``javascript:``, ``file:``...) is shown as text, never a link."""

from __future__ import annotations

import json

from ..namespaces import PREFIXES
from ..queries import list_queries
from ..site.html import esc, page

_CSS = """
body { max-width: 90rem; } #yasgui { margin-top: .6rem; } .yasgui .autocompleteWrapper { display: none !important; }
#examples { max-width: 60rem; } .yasr .dataTable a.iri { word-break: break-all; }
"""

_SCRIPT = """
const EXAMPLES = JSON.parse(document.getElementById('example-data').textContent);
const PREFIXES = JSON.parse(document.getElementById('prefix-data').textContent);
const ENDPOINT = new URL('/sparql', window.location.href).href;
const OWN = [['https://w3id.org/coopsec/ontology#', '/ontology/'], ['https://w3id.org/coopsec/id/', '/id/']];
const yasgui = new Yasgui(document.getElementById('yasgui'), {
  requestConfig: {endpoint: ENDPOINT, method: 'POST'},
  copyEndpointOnNewTab: true,
  persistenceId: null,
  endpointCatalogueOptions: {getData: () => [{endpoint: ENDPOINT}]},
  yasr: {prefixes: PREFIXES, defaultPlugin: 'table', pluginOrder: ['table', 'response']},
});
window.coopsecYasgui = yasgui;
function currentTab() { return yasgui.getTab(); }
function setExample(name) {
  const found = EXAMPLES.find(e => e.name === name);
  if (found) { currentTab().setQuery(found.text); }
}
const select = document.getElementById('examples');
select.addEventListener('change', () => setExample(select.value));
setExample(select.value);
// Links in the results: the project's IRIs open their page here, other http(s) IRIs open themselves, and
// anything else is text (YASR links every IRI; DOMPurify already drops javascript:, this drops the rest).
function relink(root) {
  root.querySelectorAll('a.iri').forEach(a => {
    const iri = a.getAttribute('href') || '';
    const own = OWN.find(([ns]) => iri.startsWith(ns));
    if (own) { a.setAttribute('href', own[1] + iri.slice(own[0].length)); a.title = iri; a.target = '_self'; return; }
    a.rel = 'noopener noreferrer';
    if (!/^https?:\\/\\//i.test(iri)) {
      const span = document.createElement('span');
      span.className = 'iri-text';
      span.textContent = a.textContent;
      a.replaceWith(span);
    }
  });
}
function watch(tab) {
  const yasr = tab.getYasr();
  const status = document.getElementById('status');
  yasr.on('drawn', () => {
    relink(yasr.rootEl);
    const results = yasr.results;
    if (results && results.getError && results.getError()) {
      status.textContent = 'the query failed: see the message below';
    } else if (results && results.getBindings && results.getBindings()) {
      status.textContent = results.getBindings().length + ' rows';
    }
  });
  tab.on('queryResponse', () => { status.textContent = ''; });
}
watch(currentTab());
yasgui.on('tabAdd', (_y, id) => { const tab = yasgui.getTab(id); if (tab) { watch(tab); } });
"""


def query_page(writable: bool, timeout: float, max_results: int, site: bool) -> str:
    examples = [{"name": q.name, "title": q.title, "text": q.text}
                for q in list_queries() if not q.parameters and not q.name.startswith(("classify/", "ingest/"))
                and "INSERT" not in q.text.upper().split("WHERE")[0] and "DELETE" not in q.text.upper()]
    first = next((e for e in examples if e["name"] == "concepts/list"), examples[0] if examples else None)
    options = "".join(f'<option value="{esc(e["name"])}"{" selected" if e is first else ""}>'
                      f'{esc(e["name"])}: {esc(e["title"])}</option>' for e in examples)
    data = json.dumps(examples).replace("</", "<\\/")
    prefixes = json.dumps(dict(PREFIXES)).replace("</", "<\\/")
    mode = "writable: updates are accepted" if writable else "read-only"
    body = f"""<h1>coopsec SPARQL endpoint</h1>
<p class="muted">SPARQL 1.1 Protocol at <code>/sparql</code> ({esc(mode)}; time limit {timeout:g} s; at most
{max_results} results). The default graph is the union of all named graphs. Every IRI of the project has its
own page: <a href="/ontology">/ontology</a>, <code>/id/...</code>.</p>
<p><label for="examples">Example queries (from <code>queries/</code>):</label>
<select id="examples">{options}</select> <span id="status" class="muted"></span></p>
<noscript><p class="error">This page needs JavaScript (YASGUI). Without it, send queries to /sparql, e.g.
<code>curl http://HOST/sparql --data-urlencode 'query=SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10'</code>.</p></noscript>
<div id="yasgui"></div>
<script type="application/json" id="example-data">{data}</script>
<script type="application/json" id="prefix-data">{prefixes}</script>
<script src="/vendor/yasgui.min.js"></script>
<script>{_SCRIPT}</script>"""
    nav = ('<a href="/">query</a><a href="/ontology">ontology</a><a href="/map">concept map</a>'
           '<a href="/citations">citation network</a>' + ('<a href="/site/">site</a>' if site else ""))
    head = f'<link rel="stylesheet" href="/vendor/yasgui.min.css"><style>{_CSS}</style>'
    return page("coopsec SPARQL endpoint", body, nav, head=head)
