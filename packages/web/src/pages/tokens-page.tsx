import { useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import type { ApiToken, IssuedApiToken } from "../api/schema-types.js";
import { DataTable } from "../components/data-table.js";
import type { Column } from "../components/data-table.js";
import { FormAlert, FormField, TextField } from "../components/form-field.js";
import { useLoaded } from "../components/use-loaded.js";
import { MAX_TOKEN_DAYS, tokenFormErrors } from "../forms/field-rules.js";
import { useFieldErrors } from "../forms/use-field-errors.js";
import { leaveTo, useDocumentTitle } from "../routing/navigation.js";
import { signInUrl } from "../routing/page-route.js";
import { useSession } from "../session/session-context.js";
import { Loading, PageFailure } from "./page-failure.js";

const dateOf = (iso: string | null) => (iso === null ? "—" : new Date(iso).toLocaleDateString());

const COLUMNS: ReadonlyArray<Column<ApiToken>> = [
  { header: "Name", cell: (token) => token.name },
  { header: "Created", cell: (token) => dateOf(token.created_at) },
  { header: "Expires", cell: (token) => dateOf(token.expires_at) },
  { header: "Last used", cell: (token) => dateOf(token.last_used_at) },
  { header: "State", cell: (token) => token.state },
];

/** `/tokens/`: my API tokens; the secret of a new one is shown once. */
export const TokensPage = () => {
  const me = useSession();
  const { loaded, reload } = useLoaded("tokens", () => unwrap(api.GET("/api/v0/tokens/")));
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const { formRef, errors, check, edit } = useFieldErrors();
  const [issued, setIssued] = useState<IssuedApiToken | undefined>(undefined);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  useDocumentTitle("API tokens");
  if (me.user === null) {
    leaveTo(signInUrl("/tokens/"));
    return <Loading what="sign-in" />;
  }

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!check(tokenFormErrors({ name, days }))) return;
    try {
      setIssued(
        await unwrap(
          api.POST("/api/v0/tokens/", { body: { name: name.trim(), expires_in_days: Number(days) } }),
        ),
      );
      setName("");
      setRefusal(undefined);
      await reload();
    } catch (error) {
      setRefusal(messageOf(error, "The token was not created."));
    }
  };
  const revoke = async (id: string) => {
    try {
      await unwrap(api.DELETE("/api/v0/tokens/{id}/", { params: { path: { id } } }));
      await reload();
    } catch (error) {
      setRefusal(messageOf(error, "The token was not revoked."));
    }
  };

  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">API tokens</h1>
      <p>
        A token lets a script use the API as you: send it as <code>Authorization: Bearer &lt;token&gt;</code>.
        Revoke a token you no longer use.
      </p>
      <form ref={formRef} onSubmit={(event) => void create(event)} noValidate className="panel">
        <h2>New token</h2>
        <FormAlert message={refusal} />
        <TextField
          label="Name"
          hint="What will use it, e.g. “course export script”."
          error={errors["name"]}
          value={name}
          onChange={edit("name", setName)}
        />
        <TextField
          label="Expires after (days)"
          error={errors["expires_in_days"]}
          type="number"
          min={1}
          max={MAX_TOKEN_DAYS}
          value={days}
          onChange={edit("expires_in_days", setDays)}
        />
        <button type="submit">Create token</button>
      </form>
      {issued === undefined ? null : (
        <div className="notice" role="status">
          <p>Copy the token “{issued.name}” now: it will not be shown again.</p>
          <FormField label="Token secret">
            {(control) => (
              <input {...control} readOnly value={issued.token} onFocus={(event) => event.target.select()} />
            )}
          </FormField>
        </div>
      )}
      {loaded.state === "loading" ? (
        <Loading what="your tokens" />
      ) : loaded.state === "failed" ? (
        <PageFailure error={loaded.error} />
      ) : loaded.value.length === 0 ? (
        <p className="empty">You have no tokens.</p>
      ) : (
        <DataTable
          caption="Your tokens"
          columns={COLUMNS}
          rows={loaded.value}
          rowKey={(token) => token.id}
          action={{
            text: "Revoke",
            label: (token) => `Revoke ${token.name}`,
            run: (token) => void revoke(token.id),
            offered: (token) => token.state === "active",
          }}
        />
      )}
    </section>
  );
};
