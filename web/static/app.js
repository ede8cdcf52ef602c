// planwatch: a little progressive enhancement; every page works without it.
document.addEventListener('click', function (e) {
  // Reading a report: clicking a fact row highlights its <mark> in the text.
  var row = e.target.closest && e.target.closest('tr[data-fact]');
  if (!row) return;
  document.querySelectorAll('mark.active').forEach(function (m) { m.classList.remove('active'); });
  var m = document.getElementById('fact-' + row.getAttribute('data-fact'));
  if (m) { m.classList.add('active'); m.scrollIntoView({block: 'nearest'}); }
});
