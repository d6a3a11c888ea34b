import { useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import type { EdxEndpoint } from "../api/schema-types.js";
import { DataTable } from "../components/data-table.js";
import type { Column } from "../components/data-table.js";
import { FormAlert, TextField } from "../components/form-field.js";
import { useLoaded } from "../components/use-loaded.js";
import { apiFieldErrors } from "../forms/field-rules.js";
import { useFieldErrors } from "../forms/use-field-errors.js";
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
const EMPTY: Readonly<Record<Field, string>> = {
  name: "",
  base_url: "",
  edx_video_api_path: "",
  client_id: "",
  secret_key: "",
};

const COLUMNS: ReadonlyArray<Column<EdxEndpoint>> = [
  { header: "Name", cell: (endpoint) => endpoint.name },
  { header: "Videos URL", cell: (endpoint) => endpoint.videos_url },
  { header: "Collections", cell: (endpoint) => endpoint.collection_count },
  {
    header: "Credentials",
    cell: (endpoint) => (endpoint.has_credentials ? "Stored" : "Unreadable: send them again"),
  },
];

/** `/edx-endpoints/`: the Open edX instances videos are posted to; staff only. */
export const EdxEndpointsPage = () => {
  const me = useSession();
  useDocumentTitle("edX endpoints");
  if (!me.may_manage_edx_endpoints) return <ErrorPage code={403} />;
  return <EdxEndpoints />;
};

const EdxEndpoints = () => {
  const { loaded, reload } = useLoaded("edx", () => unwrap(api.GET("/api/v0/edx_endpoints/")));
  const [values, setValues] = useState<Readonly<Record<Field, string>>>(EMPTY);
  const { formRef, errors, check, clear } = useFieldErrors();
  const [refusal, setRefusal] = useState<string | undefined>(undefined);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const missing = FIELDS.filter((field) => field !== "edx_video_api_path" && values[field].trim() === "");
    if (
      !check(Object.fromEntries(missing.map((field) => [field, `Enter the ${LABELS[field].toLowerCase()}.`])))
    )
      return;
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
      setValues(EMPTY);
      setRefusal(undefined);
      await reload();
    } catch (error) {
      check(apiFieldErrors(error, FIELDS));
      setRefusal(messageOf(error, "The endpoint was not added."));
    }
  };
  const remove = async (id: number) => {
    try {
      await unwrap(api.DELETE("/api/v0/edx_endpoints/{id}/", { params: { path: { id } } }));
      await reload();
    } catch (error) {
      setRefusal(messageOf(error, "The endpoint was not deleted."));
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
        <DataTable
          caption="Endpoints"
          columns={COLUMNS}
          rows={loaded.value}
          rowKey={(endpoint) => String(endpoint.id)}
          action={{
            text: "Delete",
            label: (endpoint) => `Delete ${endpoint.name}`,
            run: (endpoint) => void remove(endpoint.id),
          }}
        />
      )}
      <form ref={formRef} onSubmit={(event) => void create(event)} noValidate className="panel">
        <h2>Add an endpoint</h2>
        <FormAlert message={refusal} />
        {FIELDS.map((field) => (
          <TextField
            key={field}
            label={LABELS[field]}
            error={errors[field]}
            type={field === "secret_key" ? "password" : field === "base_url" ? "url" : "text"}
            autoComplete="off"
            value={values[field]}
            onChange={(value) => {
              setValues((previous) => ({ ...previous, [field]: value }));
              clear(field);
            }}
          />
        ))}
        <button type="submit">Add endpoint</button>
      </form>
    </section>
  );
};
