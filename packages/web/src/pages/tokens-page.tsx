import { useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import type { IssuedApiToken } from "../api/schema-types.js";
import { FormAlert, FormField } from "../components/form-field.js";
import { useLoaded } from "../components/use-loaded.js";
import { tokenFormErrors } from "../forms/field-rules.js";
import type { FormErrors } from "../forms/field-rules.js";
import { leaveTo, useDocumentTitle } from "../routing/navigation.js";
import { signInUrl } from "../routing/page-route.js";
import { useSession } from "../session/session-context.js";
import { Loading, PageFailure } from "./page-failure.js";

const dateOf = (iso: string | null) => (iso === null ? "—" : new Date(iso).toLocaleDateString());

/** `/tokens/`: my API tokens; the secret of a new one is shown once. */
export const TokensPage = () => {
  const me = useSession();
  const { loaded, reload } = useLoaded("tokens", () => unwrap(api.GET("/api/v0/tokens/")));
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [errors, setErrors] = useState<FormErrors>({});
  const [issued, setIssued] = useState<IssuedApiToken | undefined>(undefined);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  useDocumentTitle("API tokens");
  if (me.user === null) {
    leaveTo(signInUrl("/tokens/"));
    return <Loading what="sign-in" />;
  }

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const found = tokenFormErrors({ name, days });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
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
      setRefusal(error instanceof Error ? error.message : "The token was not created.");
    }
  };
  const revoke = async (id: string) => {
    try {
      await unwrap(api.DELETE("/api/v0/tokens/{id}/", { params: { path: { id } } }));
      await reload();
    } catch (error) {
      setRefusal(error instanceof Error ? error.message : "The token was not revoked.");
    }
  };

  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">API tokens</h1>
      <p>
        A token lets a script use the API as you: send it as <code>Authorization: Bearer &lt;token&gt;</code>.
        Revoke a token you no longer use.
      </p>
      <form onSubmit={(event) => void create(event)} noValidate className="panel">
        <h2>New token</h2>
        <FormAlert message={refusal} />
        <FormField label="Name" hint="What will use it, e.g. “course export script”." error={errors["name"]}>
          {(control) => <input {...control} value={name} onChange={(event) => setName(event.target.value)} />}
        </FormField>
        <FormField label="Expires after (days)" error={errors["expires_in_days"]}>
          {(control) => (
            <input
              {...control}
              type="number"
              min={1}
              max={365}
              value={days}
              onChange={(event) => setDays(event.target.value)}
            />
          )}
        </FormField>
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
        <div className="table-scroll">
          <table>
            <caption>Your tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>{dateOf(token.created_at)}</td>
                  <td>{dateOf(token.expires_at)}</td>
                  <td>{dateOf(token.last_used_at)}</td>
                  <td>{token.state}</td>
                  <td>
                    {token.state === "active" ? (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => void revoke(token.id)}
                        aria-label={`Revoke ${token.name}`}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
};
