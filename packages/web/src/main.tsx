import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { api, unwrap } from "./api/api-client.js";
import type { Me } from "./api/schema-types.js";
import { App } from "./app.js";
import { SessionContext } from "./session/session-context.js";
import "./styles.css";

/** Without the API there is nothing to show; say so in the page itself, as plain text. */
const showUnreachable = (root: HTMLElement) => {
  const message = document.createElement("p");
  message.className = "alert";
  message.textContent = "The video service could not be reached. Reload the page in a minute.";
  root.replaceChildren(message);
};

const root = document.getElementById("root");
if (root !== null) {
  unwrap(api.GET("/api/v0/me/")).then(
    (me: Me) =>
      createRoot(root).render(
        <StrictMode>
          <SessionContext.Provider value={me}>
            <App />
          </SessionContext.Provider>
        </StrictMode>,
      ),
    () => showUnreachable(root),
  );
}
