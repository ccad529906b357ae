// "Talk to us" opens the widget through the same command queue as the snippet.
document.getElementById("talk").addEventListener("click", function () {
  window.Parley.push(["open"]);
});
