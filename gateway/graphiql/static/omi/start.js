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

  var props = {
    fetcher: fetcher,
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
