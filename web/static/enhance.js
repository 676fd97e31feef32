// Progressive enhancement. Without JavaScript everything works through plain forms and links;
// with it: print and copy-link buttons on result pages; on the search page "/" focuses the search
// box, and typing shows suggestions (answer cards and documents) in an accessible list that arrow
// keys, Enter and Escape operate.
(function () {
  'use strict';
  var q = document.getElementById('q');

  document.addEventListener('keydown', function (e) {
    if (!q || e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
    e.preventDefault();
    q.focus();
    q.select();
  });

  // Presentation view: arrow keys step between cards.
  document.addEventListener('keydown', function (e) {
    if (!document.body.classList.contains('projector')) return;
    var target = e.key === 'ArrowRight' || e.key === 'PageDown' ? 'next' : (e.key === 'ArrowLeft' || e.key === 'PageUp' ? 'prev' : null);
    var link = target && document.getElementById(target);
    if (link) { e.preventDefault(); window.location.href = link.href; }
  });

  // Result pages: a print button and a copy-link button, shown only where they can work.
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-copy]'), function (b) {
    if (!navigator.clipboard) return;
    b.hidden = false;
    b.addEventListener('click', function () {
      var url = new URL(b.getAttribute('data-copy'), window.location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        var label = b.textContent;
        b.textContent = b.getAttribute('data-copied');
        setTimeout(function () { b.textContent = label; }, 2500);
      });
    });
  });

  if (!q || !window.fetch) return;
  var english = document.documentElement.lang === 'en';
  var list = document.createElement('ul');
  list.id = 'forslag';
  list.className = 'suggest';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', english ? 'Suggestions' : 'Förslag');
  list.hidden = true;
  q.parentNode.appendChild(list);
  q.setAttribute('role', 'combobox');
  q.setAttribute('aria-autocomplete', 'list');
  q.setAttribute('aria-controls', 'forslag');
  q.setAttribute('aria-expanded', 'false');

  var timer = null;
  var active = -1;
  var latest = 0;

  function close() {
    list.hidden = true;
    list.textContent = '';
    active = -1;
    q.setAttribute('aria-expanded', 'false');
    q.removeAttribute('aria-activedescendant');
  }

  function mark(i) {
    var items = list.querySelectorAll('li');
    if (!items.length) return;
    active = (i + items.length) % items.length;
    for (var k = 0; k < items.length; k++) items[k].setAttribute('aria-selected', k === active ? 'true' : 'false');
    q.setAttribute('aria-activedescendant', items[active].id);
  }

  function show(data) {
    list.textContent = '';
    active = -1;
    if (!data.suggestions || !data.suggestions.length) { close(); return; }
    data.suggestions.forEach(function (s, i) {
      var li = document.createElement('li');
      li.id = 'forslag-' + i;
      li.setAttribute('role', 'option');
      var a = document.createElement('a');
      a.href = s.url;
      a.textContent = s.label;          // never innerHTML: titles come from documents
      var kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = s.kind === 'kort' ? (english ? ' · answer card' : ' · svarskort') : '';
      a.appendChild(kind);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    q.setAttribute('aria-expanded', 'true');
  }

  q.addEventListener('input', function () {
    clearTimeout(timer);
    var text = q.value.trim();
    if (text.length < 2) { close(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch('/api/suggest?q=' + encodeURIComponent(text))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (ticket === latest) show(data); })
        .catch(close);
    }, 150);
  });

  q.addEventListener('keydown', function (e) {
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); mark(active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); mark(active - 1); }
    else if (e.key === 'Escape') { close(); }
    else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      var link = list.querySelectorAll('li a')[active];
      if (link) window.location.href = link.href;
    }
  });

  document.addEventListener('click', function (e) {
    if (e.target !== q && !list.contains(e.target)) close();
  });
})();
