/* Newsroom comments: the one script tag a page embeds.
 *   <script src="https://ORIGIN/api/comments/widget.js" data-release="RELEASE_ID" defer></script>
 * Puts an iframe of the comments service right after the tag. Why an iframe, not a shadow root:
 * the thread (visitors' text) renders in a document of the comments service's origin, under
 * that service's own Content-Security-Policy, with no access to the host page and none from it
 * (a host page's script can patch anything a shadow root's code calls; it cannot script a
 * cross-origin frame). The only global is window.NewsroomComments.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/[^/]*$/, "") : "";
  var origin = base ? new URL(base).origin : "";
  var TITLES = { en: "Comments", sv: "Kommentarer" };

  function language(wanted) {
    var code = String(wanted || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
    return TITLES[code] ? code : "en";
  }

  /* An iframe of the release's thread after (or inside) `place`; it grows with its content. */
  function mount(place, options) {
    options = options || {};
    var release = String(options.release || "");
    if (!base || !/^[0-9a-f]{24}$/.test(release)) return null;
    var lang = language(options.lang);
    var query = "release=" + release + "&lang=" + lang;
    if (options.order === "oldest") query += "&order=oldest";
    var frame = document.createElement("iframe");
    frame.src = base + "widget/frame?" + query;
    frame.title = TITLES[lang];
    frame.setAttribute("style", "display:block;width:100%;height:24rem;border:0;color-scheme:normal");
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.source !== frame.contentWindow || event.origin !== origin) return;
      if (!data || data.newsroomComments !== "height") return;
      var height = Number(data.height);
      if (height > 0 && height < 100000) frame.style.height = Math.ceil(height) + "px";
    });
    if (options.inside) place.appendChild(frame);
    else place.parentNode.insertBefore(frame, place.nextSibling);
    return frame;
  }

  if (!window.NewsroomComments) {
    window.NewsroomComments = Object.freeze({
      /* For pages that add threads later: NewsroomComments.mount(element, {release, lang}). */
      mount: function (element, options) {
        return mount(element, Object.assign({}, options, { inside: true }));
      }
    });
  }
  if (script && script.dataset.release) {
    mount(script, { release: script.dataset.release, lang: script.dataset.lang, order: script.dataset.order });
  }
})();
