// Starts GraphiQL from the page's JSON config block (no inline script, so a strict
// Content-Security-Policy with script-src 'self' still works).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);

  // As Strawberry's own page does: one HTTP fetcher; GraphiQL adds the headers typed in
  // its headers tab to every request, the schema introspection included.
  var fetcher = GraphiQL.createFetcher({
    url: new URL(config.endpoint, window.location.href).toString(),
  });

  // GraphiQL's history ("graphiql:queries", "graphiql:favorites") saves each run's headers
  // to localStorage even with shouldPersistHeaders off; this storage drops them on write.
  var HISTORY_KEYS = { "graphiql:queries": "queries", "graphiql:favorites": "favorites" };
  function withoutHeaders(key, value) {
    var listName = HISTORY_KEYS[key];
    if (!listName) return value;
    try {
      var parsed = JSON.parse(value);
      (parsed[listName] || []).forEach(function (item) {
        item.headers = null;
      });
      return JSON.stringify(parsed);
    } catch (error) {
      return null; // unreadable: store nothing rather than something with a token
    }
  }
  var storage = {
    getItem: function (key) {
      return window.localStorage.getItem(key);
    },
    setItem: function (key, value) {
      var safe = withoutHeaders(key, value);
      if (safe === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, safe);
    },
    removeItem: function (key) {
      window.localStorage.removeItem(key);
    },
    clear: function () {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf("graphiql:") === 0) window.localStorage.removeItem(key);
      });
    },
    get length() {
      return Object.keys(window.localStorage).filter(function (key) {
        return key.indexOf("graphiql:") === 0;
      }).length;
    },
  };

  var props = {
    fetcher: fetcher,
    storage: storage,
    isHeadersEditorEnabled: true,
    inputValueDeprecation: true,
    // Never keep a token in localStorage unless the user asks for it in the settings.
    shouldPersistHeaders: false,
  };

  // `query` / `headers` (not only the defaults) so the prefilled operation wins over the
  // tabs GraphiQL restored from localStorage: it opens (or reuses) a tab holding them and
  // makes it the active one. The defaults also fill every new tab.
  if (config.query !== null) {
    props.query = config.query;
    props.defaultQuery = config.query;
  }
  if (config.headers !== null) {
    var headers = JSON.stringify(config.headers, null, 2);
    props.headers = headers;
    props.defaultHeaders = headers;
    props.defaultEditorToolsVisibility = "headers";
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, props),
  );
})();
