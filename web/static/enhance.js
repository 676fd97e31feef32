// Progressive enhancement. Without JavaScript everything works through plain forms and links;
// with it: print and copy-link buttons on result pages; keys on the projector view; a live filter
// and dragging in the workshop picker; on the search page "/" focuses the search box, and typing
// shows suggestions (answer cards and documents) in an accessible list that arrow keys, Enter and
// Escape operate; a card's vote is sent without leaving the page.
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

  // Projector view: arrows, PgUp/PgDn and Space step, Home and End jump, Escape goes back to
  // the picker, F toggles full screen.
  document.addEventListener('keydown', function (e) {
    if (!document.body.classList.contains('projector') || e.ctrlKey || e.metaKey || e.altKey) return;
    var keys = {
      ArrowRight: 'next', PageDown: 'next', ArrowLeft: 'prev', PageUp: 'prev',
      Home: 'first', End: 'last', Escape: 'back'
    };
    var target = e.key === ' ' ? (e.shiftKey ? 'prev' : 'next') : keys[e.key];
    if (e.key === 'f' || e.key === 'F') {
      e.preventDefault();
      if (document.fullscreenElement) document.exitFullscreen();
      else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
      return;
    }
    var link = target && document.getElementById(target);
    if (link) { e.preventDefault(); window.location.href = link.href; }
  });

  // Workshop picker: the filter narrows the list as one types; chosen cards can be dragged.
  var filter = document.getElementById('filter');
  var count = document.getElementById('pickcount');
  if (filter && count) {
    var labels = document.querySelectorAll('.cardpicker label[data-words]');
    var suffix = count.textContent.replace(/^\d+/, '');
    filter.addEventListener('input', function () {
      var needle = filter.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(labels, function (l) {
        var box = l.querySelector('input');
        var keep = !needle || (box && box.checked) || l.getAttribute('data-words').indexOf(needle) >= 0;
        l.hidden = !keep;
        if (keep) shown++;
      });
      Array.prototype.forEach.call(document.querySelectorAll('.cardpicker fieldset'), function (f) {
        f.hidden = !f.querySelector('label:not([hidden])');
      });
      count.textContent = shown + suffix;
    });
  }
  var chosen = document.querySelector('ol.chosen');
  var order = document.querySelector('input[name="ordning"]');
  if (chosen && order && 'draggable' in chosen) {
    var dragged = null;
    Array.prototype.forEach.call(document.querySelectorAll('.js-only.hint'), function (h) { h.hidden = false; });
    Array.prototype.forEach.call(chosen.children, function (li) {
      li.draggable = true;
      li.addEventListener('dragstart', function () { dragged = li; li.classList.add('dragging'); });
      li.addEventListener('dragend', function () { li.classList.remove('dragging'); });
      li.addEventListener('dragover', function (e) { e.preventDefault(); });
      li.addEventListener('drop', function (e) {
        e.preventDefault();
        if (!dragged || dragged === li) return;
        var after = e.clientY > li.getBoundingClientRect().top + li.offsetHeight / 2;
        chosen.insertBefore(dragged, after ? li.nextSibling : li);
        var ids = Array.prototype.map.call(chosen.children, function (x) { return x.getAttribute('data-id'); });
        var url = new URL(window.location.href);
        url.search = '';
        url.searchParams.set('k', ids.join(','));
        ['titel', 'datum'].forEach(function (n) {
          var input = document.getElementById(n);
          if (input && input.value) url.searchParams.set(n, input.value);
        });
        window.location.href = url.href;
      });
    });
  }

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

  // "Hjälpte svaret?": the vote is sent in the background and the thanks shown in place (the
  // form posts and returns to the page without JavaScript).
  Array.prototype.forEach.call(document.querySelectorAll('.vote form'), function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.fetch || !window.URLSearchParams || !window.FormData) return;
      e.preventDefault();
      var data = new URLSearchParams(new FormData(form));
      if (e.submitter && e.submitter.name) data.append(e.submitter.name, e.submitter.value);
      var status = form.parentNode.querySelector('.vote-status');
      fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin', redirect: 'manual' })
        .then(function () {
          form.parentNode.removeChild(form);
          status.textContent = form.getAttribute('data-thanks');
          status.focus();
        })
        .catch(function () {
          var answer = document.createElement('input');
          answer.type = 'hidden';
          answer.name = 'svar';
          answer.value = e.submitter ? e.submitter.value : '';
          form.appendChild(answer);
          form.submit();
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
