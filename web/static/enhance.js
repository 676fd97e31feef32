// Small progressive enhancement: "/" focuses the search box. The page works without it.
document.addEventListener('keydown', function (e) {
  var q = document.getElementById('q');
  if (!q || e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
  e.preventDefault();
  q.focus();
  q.select();
});
