// "/" focuses the search box (#search-q) from anywhere on the page, unless the keystroke is
// typed into a field or combined with a modifier. No other behaviour: the search box is a
// plain GET form that works without JavaScript.
"use strict";
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
    return;
  }
  const target = event.target;
  if (target instanceof Element &&
      target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])")) {
    return;
  }
  const box = document.getElementById("search-q");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
