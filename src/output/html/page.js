// synack's walk page. Reads the model's document (#synack-doc, exactly what
// `synack --json` prints) and the words (#synack-view); draws nothing the
// document does not say. Position N = after segment N (0 = before the first).
(function () {
  'use strict';
  var doc = JSON.parse(document.getElementById('synack-doc').textContent);
  var view = JSON.parse(document.getElementById('synack-view').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var st = { conn: 0, step: 0, lang: view.lang, theme: 'light' };
  var shownLadder = null;

  function conns() { return doc.connections || []; }
  function cur() { return conns()[st.conn]; }
  function t(key) { return (view.text[st.lang] || view.text.en)[key] || key; }
  function clamp(n, lo, hi) { return Math.max(lo, Math.min(hi, n)); }

  function readHash() {
    var h = location.hash.replace(/^#/, '');
    h.split('&').forEach(function (kv) {
      var p = kv.split('=');
      var v = decodeURIComponent(p[1] || '');
      if (p[0] === 'step' && /^\d+$/.test(v)) st.step = parseInt(v, 10);
      if (p[0] === 'conn' && /^\d+$/.test(v)) st.conn = parseInt(v, 10);
      if (p[0] === 'lang' && view.text[v]) st.lang = v;
      if (p[0] === 'theme' && /^(light|dark|projector)$/.test(v)) st.theme = v;
    });
    st.conn = clamp(st.conn, 0, Math.max(0, conns().length - 1));
    st.step = clamp(st.step, 0, cur() ? cur().segments.length : 0);
  }

  function writeHash() {
    var h = '#conn=' + st.conn + '&step=' + st.step + '&lang=' + st.lang + '&theme=' + st.theme;
    if (location.hash === h) return;
    try { history.replaceState(null, '', h); } catch (e) { location.hash = h; }
  }

  // States after position `pos` of connection `c`.
  function statesAt(c, pos) {
    if (pos === 0) return [c.initial_client_state, c.initial_server_state];
    var s = c.segments[pos - 1];
    return [s.client_state, s.server_state];
  }

  function text(el, s) { el.textContent = s; return el; }
  function make(tag, cls, s) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (s !== undefined) el.textContent = s;
    return el;
  }

  function renderChrome() {
    document.documentElement.lang = st.lang === 'zh' ? 'zh-Hans' : 'en';
    document.documentElement.setAttribute('data-theme', st.theme);
    document.querySelectorAll('[data-t]').forEach(function (el) { el.textContent = t(el.getAttribute('data-t')); });
    $('lang').value = st.lang;
    $('theme').value = st.theme;
    text($('file'), doc.scenario ? (doc.scenario + ' · ' + doc.file) : doc.file);
    var sel = $('conn');
    if (sel.options.length !== conns().length) {
      sel.textContent = '';
      conns().forEach(function (c, i) {
        var o = make('option', '', c.index + ': ' + c.client + ' → ' + c.server + ' (' + c.segments.length + ')');
        o.value = String(i);
        sel.appendChild(o);
      });
    }
    sel.value = String(st.conn);
    $('conn-pick').hidden = conns().length < 2;
  }

  function renderLadder() {
    var key = st.conn + '-' + st.lang;
    var box = $('ladder');
    if (shownLadder !== key) {
      var tpl = $('ladder-' + key);
      box.textContent = '';
      if (tpl) box.appendChild(document.importNode(tpl.content, true));
      shownLadder = key;
    }
    box.querySelectorAll('[data-step]').forEach(function (g) {
      var n = parseInt(g.getAttribute('data-step'), 10);
      g.classList.toggle('future', n > st.step);
      g.classList.toggle('now', n === st.step && g.classList.contains('step'));
    });
    var now = box.querySelector('.step.now');
    if (now && now.scrollIntoView && box.scrollHeight > box.clientHeight) now.scrollIntoView({ block: 'nearest' });
  }

  function bandAt(v, pos) {
    var i = pos - 1;
    for (var b = 0; b < v.bands.length; b++) {
      if (v.bands[b].first <= i && i <= v.bands[b].last) return v.bands[b];
    }
    return null;
  }

  function renderNow() {
    var c = cur();
    var v = view.conns[st.conn];
    var states = statesAt(c, st.step);
    var before = st.step > 0 ? statesAt(c, st.step - 1) : states;
    text($('client-state'), states[0]).classList.toggle('changed', states[0] !== before[0]);
    text($('server-state'), states[1]).classList.toggle('changed', states[1] !== before[1]);
    text($('client-addr'), c.client);
    text($('server-addr'), c.server);
    text($('position'), st.step === 0 ? t('start') + ' · 0/' + c.segments.length
      : t('step') + ' ' + st.step + '/' + c.segments.length);
    var band = st.step > 0 ? bandAt(v, st.step) : null;
    text($('phase'), band ? band.name[st.lang] : '');
  }

  function renderExplain() {
    var parts = view.conns[st.conn].explain[st.lang][st.step];
    var body = $('explain-body');
    body.textContent = '';
    body.appendChild(make('h3', '', t('what')));
    parts[0].forEach(function (s) { body.appendChild(make('p', '', s)); });
    [[1, 'changes'], [2, 'calls']].forEach(function (p) {
      if (!parts[p[0]].length) return;
      body.appendChild(make('h3', '', t(p[1])));
      var ul = make('ul');
      parts[p[0]].forEach(function (s) { ul.appendChild(make('li', '', s)); });
      body.appendChild(ul);
    });
  }

  // The CLOSED box at the bottom once an endpoint has left the handshake.
  function boxOf(c, side, pos, state) {
    if (state !== 'CLOSED') return 'ds-' + state;
    for (var i = 0; i < pos; i++) {
      var s = side === 0 ? c.segments[i].client_state : c.segments[i].server_state;
      if (['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSING', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK'].indexOf(s) >= 0) return 'ds-CLOSED-END';
    }
    return 'ds-CLOSED';
  }

  function renderDiagram() {
    var c = cur();
    var dia = $('diagram');
    dia.querySelectorAll('.c, .s, .taken').forEach(function (el) { el.classList.remove('c', 's', 'taken'); });
    var states = statesAt(c, st.step);
    ['c', 's'].forEach(function (cls, side) {
      var el = $(boxOf(c, side, st.step, states[side]));
      if (el) el.classList.add(cls);
    });
    if (st.step === 0) return;
    c.transitions.forEach(function (tr) {
      if (tr.step !== st.step - 1) return;
      var to = tr.to === 'CLOSED' ? boxOf(c, tr.endpoint === 'client' ? 0 : 1, st.step, 'CLOSED').slice(3) : tr.to;
      var from = tr.from === 'CLOSED' ? 'CLOSED' : tr.from;
      var el = $('de-' + from + '-' + to);
      if (el) el.classList.add('taken');
    });
  }

  function renderCalls() {
    var calls = doc.calls;
    $('code-panel').hidden = !calls;
    $('kernel-panel').hidden = !calls;
    if (!calls) return;
    var c = cur();
    var seg = st.step > 0 ? c.segments[st.step - 1] : null;
    // Calls made up to the one that caused this segment (or, before the
    // first, those before the connection's first segment).
    var upto = -1;
    if (seg && seg.call) upto = seg.call.index;
    else if (!seg && c.segments.length && c.segments[0].call) upto = c.segments[0].call.index - 1;
    if (seg && st.step === c.segments.length) upto = calls.length - 1;
    var ol = $('calls');
    ol.textContent = '';
    calls.forEach(function (call) {
      var li = make('li', call.index <= upto ? 'done' : '');
      if (seg && seg.call && seg.call.index === call.index) li.classList.add('now');
      li.appendChild(make('span', 'side', t(call.side)));
      li.appendChild(make('code', '', call.call));
      if (call.index <= upto && call.returned) li.appendChild(make('span', 'ret', '  → ' + call.returned));
      ol.appendChild(li);
    });
    var k = $('kernel');
    k.textContent = '';
    if (!c.kernel_transitions) { k.appendChild(make('p', '', t('nokernel'))); return; }
    ['client', 'server'].forEach(function (side) {
      // The full socket's close that handed the connection over to its
      // time-wait socket is no state of the connection.
      var chain = c.kernel_transitions.filter(function (r) { return r.endpoint === side && !r.handed_over; });
      var names = chain.length ? [chain[0].from].concat(chain.map(function (r) { return r.to; })) : [];
      var row = make('div', 'row');
      row.appendChild(make('b', '', t(side) + ': '));
      row.appendChild(make('span', '', names.join(' → ')));
      k.appendChild(row);
      if (c.kernel_transitions.some(function (r) { return r.endpoint === side && r.handed_over; })) {
        k.appendChild(make('p', 'note', t(side) + ': ' + t('handover')));
      }
    });
    k.appendChild(make('div', c.kernel_agrees ? 'ok' : 'bad', c.kernel_agrees ? t('agrees') : t('disagrees')));
  }

  function render() {
    renderChrome();
    if (!cur()) return;
    renderLadder();
    renderNow();
    renderExplain();
    renderDiagram();
    renderCalls();
    writeHash();
  }

  function go(step) {
    st.step = clamp(step, 0, cur() ? cur().segments.length : 0);
    render();
  }

  // Next/previous phase: the first step of the next band, or of this one.
  function phase(dir) {
    var bands = view.conns[st.conn].bands;
    var starts = bands.map(function (b) { return b.first + 1; });
    if (dir > 0) {
      var n = starts.filter(function (s) { return s > st.step; })[0];
      go(n === undefined ? cur().segments.length : n);
    } else {
      var p = starts.filter(function (s) { return s < st.step; }).pop();
      go(p === undefined ? 0 : p);
    }
  }

  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.tagName === 'SELECT') return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var k = e.key;
    if (k === 'ArrowRight' || k === ' ' || k === 'PageDown') go(st.step + 1);
    else if (k === 'ArrowLeft' || k === 'PageUp') go(st.step - 1);
    else if (k === 'Home') go(0);
    else if (k === 'End') go(cur().segments.length);
    else if (k === 'n') phase(1);
    else if (k === 'N') phase(-1);
    else return;
    e.preventDefault();
  });
  $('b-first').addEventListener('click', function () { go(0); });
  $('b-prev').addEventListener('click', function () { go(st.step - 1); });
  $('b-next').addEventListener('click', function () { go(st.step + 1); });
  $('b-last').addEventListener('click', function () { go(cur().segments.length); });
  $('lang').addEventListener('change', function (e) { st.lang = e.target.value; render(); });
  $('theme').addEventListener('change', function (e) { st.theme = e.target.value; render(); });
  $('conn').addEventListener('change', function (e) { st.conn = parseInt(e.target.value, 10); st.step = 0; render(); });
  var touch = null;
  document.addEventListener('touchstart', function (e) {
    // A touch on a ladder wider than the screen scrolls it instead.
    var ladder = $('ladder');
    if (ladder.contains(e.target) && ladder.scrollWidth > ladder.clientWidth) { touch = null; return; }
    if (e.touches.length === 1) touch = { x: e.touches[0].clientX, y: e.touches[0].clientY };
  }, { passive: true });
  document.addEventListener('touchend', function (e) {
    if (!touch || !e.changedTouches.length) return;
    var dx = e.changedTouches[0].clientX - touch.x;
    var dy = e.changedTouches[0].clientY - touch.y;
    touch = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) go(st.step + (dx < 0 ? 1 : -1));
  }, { passive: true });
  window.addEventListener('hashchange', function () { readHash(); render(); });
  readHash();
  render();
})();
