import { useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { ApiError } from "../api/api-error.js";
import { FormAlert, FormField } from "../components/form-field.js";
import { useLoaded } from "../components/use-loaded.js";
import { useDocumentTitle } from "../routing/navigation.js";
import { useSession } from "../session/session-context.js";
import { ErrorPage } from "./error-page.js";
import { Loading, PageFailure } from "./page-failure.js";

const FIELDS = ["name", "base_url", "edx_video_api_path", "client_id", "secret_key"] as const;
type Field = (typeof FIELDS)[number];
const LABELS: Readonly<Record<Field, string>> = {
  name: "Name",
  base_url: "edX base URL",
  edx_video_api_path: "Video API path (optional)",
  client_id: "OAuth client id",
  secret_key: "OAuth client secret",
};

/** `/edx-endpoints/`: the Open edX instances videos are posted to; staff only. */
export const EdxEndpointsPage = () => {
  const me = useSession();
  useDocumentTitle("edX endpoints");
  if (!me.may_manage_edx_endpoints) return <ErrorPage code={403} />;
  return <EdxEndpoints />;
};

const EdxEndpoints = () => {
  const { loaded, reload } = useLoaded("edx", () => unwrap(api.GET("/api/v0/edx_endpoints/")));
  const [values, setValues] = useState<Readonly<Record<Field, string>>>({
    name: "",
    base_url: "",
    edx_video_api_path: "",
    client_id: "",
    secret_key: "",
  });
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [refusal, setRefusal] = useState<string | undefined>(undefined);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const missing = FIELDS.filter((field) => field !== "edx_video_api_path" && values[field].trim() === "");
    setErrors(
      Object.fromEntries(missing.map((field) => [field, `Enter the ${LABELS[field].toLowerCase()}.`])),
    );
    if (missing.length > 0) return;
    try {
      await unwrap(
        api.POST("/api/v0/edx_endpoints/", {
          body: {
            name: values.name.trim(),
            base_url: values.base_url.trim(),
            client_id: values.client_id.trim(),
            secret_key: values.secret_key,
            ...(values.edx_video_api_path.trim() === ""
              ? {}
              : { edx_video_api_path: values.edx_video_api_path.trim() }),
          },
        }),
      );
      setValues({ name: "", base_url: "", edx_video_api_path: "", client_id: "", secret_key: "" });
      setRefusal(undefined);
      await reload();
    } catch (error) {
      if (error instanceof ApiError) {
        setErrors(
          Object.fromEntries(
            FIELDS.flatMap((field) => {
              const first = error.fieldMessages(field)[0];
              return first === undefined ? [] : [[field, first]];
            }),
          ),
        );
      }
      setRefusal(error instanceof Error ? error.message : "The endpoint was not added.");
    }
  };
  const remove = async (id: number) => {
    try {
      await unwrap(api.DELETE("/api/v0/edx_endpoints/{id}/", { params: { path: { id } } }));
      await reload();
    } catch (error) {
      setRefusal(error instanceof Error ? error.message : "The endpoint was not deleted.");
    }
  };

  return (
    <section aria-labelledby="edx-title">
      <h1 id="edx-title">edX endpoints</h1>
      <p>The Open edX instances that collections with a course id post their videos to.</p>
      {loaded.state === "loading" ? (
        <Loading what="the endpoints" />
      ) : loaded.state === "failed" ? (
        <PageFailure error={loaded.error} />
      ) : loaded.value.length === 0 ? (
        <p className="empty">No endpoints yet.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>Endpoints</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Videos URL</th>
                <th scope="col">Collections</th>
                <th scope="col">Credentials</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td>{endpoint.name}</td>
                  <td>{endpoint.videos_url}</td>
                  <td>{endpoint.collection_count}</td>
                  <td>{endpoint.has_credentials ? "Stored" : "Unreadable: send them again"}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void remove(endpoint.id)}
                      aria-label={`Delete ${endpoint.name}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={(event) => void create(event)} noValidate className="panel">
        <h2>Add an endpoint</h2>
        <FormAlert message={refusal} />
        {FIELDS.map((field) => (
          <FormField key={field} label={LABELS[field]} error={errors[field]}>
            {(control) => (
              <input
                {...control}
                type={field === "secret_key" ? "password" : field === "base_url" ? "url" : "text"}
                autoComplete="off"
                value={values[field]}
                onChange={(event) => setValues({ ...values, [field]: event.target.value })}
              />
            )}
          </FormField>
        ))}
        <button type="submit">Add endpoint</button>
      </form>
    </section>
  );
};
