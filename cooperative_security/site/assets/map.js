// The interactive concept map and citation network: Cytoscape.js over the graph data written into
// the page (#graph-data). The page's body says which one (data-kind: concepts or citations).
const DATA = JSON.parse(document.getElementById('graph-data').textContent);
const KIND = document.body.dataset.kind;
const colourOf = Object.fromEntries(DATA.relations.map(r => [r.name, r.colour]));
const moduleColour = Object.fromEntries((DATA.modules || []).map(m => [m.name, m.colour]));
const style = [
  {selector: 'node', style: {'label': 'data(label)', 'font-size': 13, 'text-wrap': 'wrap', 'text-max-width': 150,
    'text-valign': 'center', 'text-halign': 'center', 'shape': 'round-rectangle', 'border-width': 1, 'border-color': '#8a8a8a', 'color': '#1a1a1a',
    'min-zoomed-font-size': 3}},
  {selector: 'node[w]', style: {'width': 'data(w)', 'height': 'data(h)'}},
  {selector: 'node[?compound]', style: {'label': 'data(label)', 'text-valign': 'top', 'text-halign': 'center',
    'text-max-width': 1000, 'font-size': 34, 'font-weight': 'bold', 'color': '#445', 'background-color': '#f3f6fa',
    'border-color': '#c5cfdb', 'padding': 30, 'shape': 'round-rectangle', 'min-zoomed-font-size': 0}},
  {selector: 'node#schema', style: {'background-color': '#f6f3ee', 'border-color': '#d8cdbd'}},
  {selector: 'edge', style: {'width': 2.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle',
    'arrow-scale': 1.1, 'line-color': e => colourOf[e.data('relation')] || '#888',
    'target-arrow-color': e => colourOf[e.data('relation')] || '#888', 'opacity': 0.85}},
  {selector: 'edge[relation = "rdfs:subClassOf"]', style: {'width': 1.3, 'target-arrow-shape': 'triangle-backcurve',
    'target-arrow-fill': 'hollow', 'opacity': 0.7}},
  {selector: 'edge[relation = "owl:disjointWith"]', style: {'line-style': 'dashed', 'target-arrow-shape': 'tee'}},
  {selector: 'edge[kind = "citation"]', style: {'width': 1, 'opacity': 0.45, 'target-arrow-shape': 'triangle'}},
  {selector: 'edge[kind = "position"]', style: {'width': 3}},
  {selector: '.hidden', style: {'display': 'none'}},
  {selector: '.faded', style: {'opacity': 0.12}},
  {selector: 'node.match', style: {'border-width': 4, 'border-color': '#d40000', 'background-color': '#ffe14d'}},
  {selector: 'node:selected', style: {'border-width': 4, 'border-color': '#0050c8'}},
];
if (KIND === 'concepts') {
  style.splice(1, 0, {selector: 'node[module]', style: {'background-color': n => moduleColour[n.data('module')] || '#eee'}});
} else {
  style.splice(1, 0, {selector: 'node[cited]', style: {'background-color': n => n.data('cited') > 4 ? '#8fb3d9' :
    (n.data('cited') > 1 ? '#b7cfe9' : '#dde9f6')}});
  style.splice(2, 0, {selector: 'node[?chapter]', style: {'background-color': '#ffd28a', 'font-size': 20,
    'font-weight': 'bold', 'text-max-width': 280}});
}
const cy = cytoscape({container: document.getElementById('cy'), elements: DATA.elements, style: style,
  layout: {name: 'preset', fit: true, padding: 30}, minZoom: 0.05, maxZoom: 4});
window.coopsecGraph = cy;

function applyFilters() {
  const hiddenModules = new Set([...document.querySelectorAll('input[data-module]')].filter(i => !i.checked)
    .map(i => i.dataset.module));
  const hiddenRelations = new Set([...document.querySelectorAll('input[data-relation]')].filter(i => !i.checked)
    .map(i => i.dataset.relation));
  cy.batch(() => {
    cy.nodes().forEach(n => { if (!n.data('compound')) {
      n.toggleClass('hidden', hiddenModules.has(n.data('module'))); } });
    cy.edges().forEach(e => e.toggleClass('hidden', hiddenRelations.has(e.data('relation'))
      || e.source().hasClass('hidden') || e.target().hasClass('hidden')));
  });
}
document.querySelectorAll('input[data-module], input[data-relation]').forEach(i => i.addEventListener('change', applyFilters));
document.getElementById('show-all').addEventListener('click', () => {
  document.querySelectorAll('input[data-module], input[data-relation]').forEach(i => { i.checked = true; });
  applyFilters(); cy.fit(undefined, 30);
});

function show(node) {
  const info = document.getElementById('info');
  info.replaceChildren();
  const h = document.createElement('strong'); h.textContent = node.data('label'); info.appendChild(h);
  if (node.data('curie')) { const c = document.createElement('div'); c.className = 'count'; c.textContent = node.data('curie') + ' (' + node.data('module') + ')'; info.appendChild(c); }
  if (node.data('definition')) { const p = document.createElement('p'); p.textContent = node.data('definition'); info.appendChild(p); }
  const where = node.data('where');
  if (where) {
    const p = document.createElement('p');
    p.textContent = where.length ? 'Where the chapter cites it:' : 'The chapter cites it without a footnote claim of its own.';
    info.appendChild(p);
    const ul = document.createElement('ul'); ul.id = 'cited-where';
    for (const w of where) { const li = document.createElement('li');
      li.textContent = 'note ' + w.footnote + (w.pages ? (/[-,\u2013]/.test(w.pages) ? ', pp. ' : ', p. ') + w.pages : '') + (w.claim ? ': ' + w.claim : '');
      ul.appendChild(li); }
    info.appendChild(ul);
  }
  if (node.data('href')) { const a = document.createElement('a'); a.href = node.data('href');
    a.textContent = 'open its page'; info.appendChild(a); }
}
cy.on('mouseover', 'node[!compound]', ev => { if (KIND === 'concepts') { show(ev.target); } });
cy.on('tap', 'node[!compound]', ev => {
  const node = ev.target;
  if (KIND === 'concepts' && node.data('href')) { window.location.href = node.data('href'); return; }
  cy.elements().removeClass('faded');
  cy.elements().not(node.closedNeighborhood()).not('[?compound]').addClass('faded');
  show(node);
});
cy.on('tap', ev => { if (ev.target === cy) { cy.elements().removeClass('faded'); } });

const search = document.getElementById('search');
const results = document.getElementById('search-results');
function runSearch() {
  const q = search.value.trim().toLowerCase();
  cy.elements().removeClass('match faded');
  results.replaceChildren();
  const status = document.getElementById('search-status');
  if (!q) { status.textContent = ''; return; }
  const found = cy.nodes('[!compound]').filter(n => (n.data('label') + ' ' + (n.data('alt') || '') + ' ' +
    (n.data('curie') || '')).toLowerCase().includes(q));
  status.textContent = found.length + (found.length === 1 ? ' match' : ' matches');
  if (!found.length) { return; }
  found.addClass('match');
  cy.elements().not(found.closedNeighborhood()).not('[?compound]').addClass('faded');
  // the best match first (the label itself, then a label that starts so, then the rest): the view goes to
  // it and its neighbours, close enough to read; the other matches stay marked
  const rank = n => { const l = n.data('label').toLowerCase(); return l === q ? 0 : (l.startsWith(q) ? 1 : 2); };
  const ordered = found.toArray().sort((a, b) => rank(a) - rank(b) || a.data('label').localeCompare(b.data('label')));
  cy.stop(true);  // one glide, to the latest matches: typing must not queue one per keystroke
  cy.animate({fit: {eles: ordered[0].closedNeighborhood(), padding: 60}, duration: 300});
  ordered.slice(0, 30).forEach(n => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.textContent = n.data('label');
    a.href = n.data('href') || '#';
    a.addEventListener('click', ev => { if (KIND !== 'concepts' || !n.data('href')) { ev.preventDefault(); show(n);
      cy.stop(true); cy.animate({center: {eles: n}, zoom: 1.2, duration: 300}); } });
    li.appendChild(a); results.appendChild(li);
  });
}
search.addEventListener('input', runSearch);
