/* As soon as a category and a place are chosen, list open reports of the same problem nearby. */
(function () {
  "use strict";
  var box = document.getElementById("nearby-live");
  var category = document.getElementById("category_id");
  var lat = document.getElementById("latitude");
  var lon = document.getElementById("longitude");
  if (!box || !category || !lat || !lon) { return; }

  function render(issues) {
    box.textContent = "";
    if (!issues.length) { return; }
    var h = document.createElement("h2");
    h.textContent = box.dataset.heading;
    var ul = document.createElement("ul");
    issues.forEach(function (issue) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = issue.url;
      a.textContent = "#" + issue.id + " " + issue.title;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" (" + box.dataset.metres.replace("%(n)s", issue.distance_m) + ")"));
      ul.appendChild(li);
    });
    box.className = "similar";
    box.appendChild(h);
    box.appendChild(ul);
  }

  function check() {
    if (!category.value || lat.value === "" || lon.value === "") { return; }
    var url = box.dataset.url + "?category_id=" + encodeURIComponent(category.value) +
      "&lat=" + encodeURIComponent(lat.value) + "&lon=" + encodeURIComponent(lon.value);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { issues: [] }; })
      .then(function (data) { render(data.issues || []); });
  }

  [category, lat, lon].forEach(function (el) { el.addEventListener("change", check); });
})();
