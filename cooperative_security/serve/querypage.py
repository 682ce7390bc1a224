"""The query page for people: a form, example queries, and results drawn as a table by a small script."""

from __future__ import annotations

import json

from ..queries import list_queries
from ..site.html import esc, page

_SCRIPT = """
const form = document.getElementById('query-form');
const examples = document.getElementById('examples');
const textarea = document.getElementById('query');
const out = document.getElementById('results');
const status = document.getElementById('status');
const EXAMPLES = JSON.parse(document.getElementById('example-data').textContent);
examples.addEventListener('change', () => {
  const found = EXAMPLES.find(e => e.name === examples.value);
  if (found) { textarea.value = found.text; }
});
function cell(term) {
  const td = document.createElement('td');
  if (!term) { return td; }
  // Only http(s) IRIs become links: a javascript: or data: IRI in a result is shown as text.
  if (term.type === 'uri' && /^https?:\\/\\//i.test(term.value)) {
    const a = document.createElement('a');
    const local = term.value.replace('https://w3id.org/coopsec/ontology#', '/ontology/')
                            .replace('https://w3id.org/coopsec/id/', '/id/');
    a.href = local.startsWith('/') ? local : term.value;
    a.textContent = term.value;
    td.appendChild(a);
  } else {
    td.textContent = term.value;
  }
  return td;
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  out.replaceChildren();
  status.textContent = 'running...';
  status.className = '';
  const started = performance.now();
  let response;
  try {
    response = await fetch('/sparql', {
      method: 'POST',
      headers: {'Content-Type': 'application/sparql-query',
                'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
      body: textarea.value,
    });
  } catch (error) {
    status.textContent = 'the server did not answer: ' + error;
    status.className = 'error';
    return;
  }
  const text = await response.text();
  if (!response.ok) {
    status.textContent = response.status + ' ' + response.statusText + ': ' + text;
    status.className = 'error';
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    const pre = document.createElement('pre');
    pre.textContent = text;
    out.appendChild(pre);
    status.textContent = 'graph in ' + seconds + ' s';
    return;
  }
  const data = JSON.parse(text);
  if ('boolean' in data) {
    status.textContent = 'answer: ' + data.boolean;
    return;
  }
  const table = document.createElement('table');
  table.id = 'results-table';
  const head = table.createTHead().insertRow();
  for (const name of data.head.vars) {
    const th = document.createElement('th');
    th.textContent = name;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of data.results.bindings) {
    const tr = body.insertRow();
    for (const name of data.head.vars) { tr.appendChild(cell(row[name])); }
  }
  out.appendChild(table);
  status.textContent = data.results.bindings.length + ' rows in ' + seconds + ' s';
});
"""


def query_page(writable: bool, timeout: float, max_results: int, site: bool) -> str:
    examples = [{"name": q.name, "title": q.title, "text": q.text}
                for q in list_queries("concepts") if not q.parameters]
    first = next((e for e in examples if e["name"] == "concepts/list"), examples[0] if examples else None)
    options = "".join(f'<option value="{esc(e["name"])}"{" selected" if e is first else ""}>'
                      f'{esc(e["title"])} ({esc(e["name"])})</option>' for e in examples)
    data = json.dumps(examples).replace("</", "<\\/")
    mode = "writable: updates are accepted" if writable else "read-only"
    body = f"""<h1>coopsec SPARQL endpoint</h1>
<p class="muted">SPARQL 1.1 Protocol at <code>/sparql</code> ({esc(mode)}; time limit {timeout:g} s; at most
{max_results} results). The default graph is the union of all named graphs.</p>
<form id="query-form">
<label for="examples">Example queries:</label>
<select id="examples">{options}</select>
<textarea id="query" name="query" rows="16" spellcheck="false">{esc(first["text"] if first else "")}</textarea>
<p><button id="run" type="submit">Run query</button> <span id="status"></span></p>
</form>
<div id="results"></div>
<script type="application/json" id="example-data">{data}</script>
<script>{_SCRIPT}</script>"""
    nav = '<a href="/">query</a><a href="/ontology">ontology</a>' + ('<a href="/site/">site</a>' if site else "")
    return page("coopsec SPARQL endpoint", body, nav)
