import { useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import type { Collection, StreamSource } from "../api/schema-types.js";
import { useCollectionFields } from "../components/collection-fields.js";
import { EdxSyncPanel } from "../components/edx-sync-panel.js";
import { Checkbox, FormField, FormResult, TextField } from "../components/form-field.js";
import type { FormOutcome } from "../components/form-field.js";
import { useLoaded } from "../components/use-loaded.js";
import { apiFieldErrors, collectionFormErrors, parseGroupList } from "../forms/field-rules.js";
import { Link, useDocumentTitle } from "../routing/navigation.js";
import { useSession } from "../session/session-context.js";
import { ErrorPage } from "./error-page.js";
import { Loading, PageFailure } from "./page-failure.js";

/** `/collections/<key>/settings/`: a collection's title, groups, edX course and (for staff) flags. */
export const CollectionSettingsPage = ({ collectionKey }: { readonly collectionKey: string }) => {
  const { loaded, set } = useLoaded(collectionKey, () =>
    unwrap(api.GET("/api/v0/collections/{key}/", { params: { path: { key: collectionKey } } })),
  );
  useDocumentTitle("Collection settings");
  if (loaded.state === "loading") return <Loading what="the collection" />;
  if (loaded.state === "failed") return <PageFailure error={loaded.error} />;
  if (!loaded.value.is_admin) return <ErrorPage code={403} />;
  return (
    <section aria-labelledby="settings-title">
      <p className="breadcrumbs">
        <Link to="/collections/">Collections</Link> ›{" "}
        <Link to={`/collections/${loaded.value.key}/`}>{loaded.value.title}</Link>
      </p>
      <h1 id="settings-title">Collection settings</h1>
      <SettingsForm collection={loaded.value} onSaved={set} />
      <EdxSyncPanel collection={loaded.value} />
    </section>
  );
};

const FIELDS = ["title", "view_lists", "admin_lists", "edx_course_id"] as const;

/** The staff flags, as the API names them. */
interface StaffFlags {
  readonly is_public: boolean;
  readonly include_in_learn: boolean;
  readonly for_shorts: boolean;
  readonly stream_source: StreamSource | null;
}

const STAFF_CHECKBOXES: ReadonlyArray<readonly [keyof Omit<StaffFlags, "stream_source">, string]> = [
  ["is_public", "Public collection (new videos start public)"],
  ["include_in_learn", "Offer its public videos to MIT Learn"],
  ["for_shorts", "Portrait videos (shorts)"],
];

/** The select's options: the API's values, and "" for none. */
const STREAM_SOURCES: ReadonlyArray<readonly [StreamSource | "", string]> = [
  ["", "Default (none)"],
  ["Youtube", "YouTube"],
  ["Cloudfront", "CloudFront"],
];

const SettingsForm = ({
  collection,
  onSaved,
}: {
  readonly collection: Collection;
  readonly onSaved: (collection: Collection) => void;
}) => {
  const me = useSession();
  const isStaff = me.user !== null && (me.user.is_staff || me.user.is_superuser);
  const [edxCourseId, setEdxCourseId] = useState(collection.edx_course_id ?? "");
  const [loggedInOnly, setLoggedInOnly] = useState(collection.is_logged_in_only);
  const [staffFlags, setStaffFlags] = useState<StaffFlags>({
    is_public: collection.is_public,
    include_in_learn: collection.include_in_learn,
    for_shorts: collection.for_shorts,
    stream_source: collection.stream_source,
  });
  const { formRef, errors, check, edit, values, fields } = useCollectionFields({
    title: collection.title,
    description: collection.description ?? "",
    viewLists: collection.view_lists.join("\n"),
    adminLists: collection.admin_lists.join("\n"),
  });
  const [result, setResult] = useState<FormOutcome>(undefined);
  useDocumentTitle(`Settings of ${collection.title}`);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!check(collectionFormErrors({ ...values, edxCourseId }))) return;
    try {
      const saved = await unwrap(
        api.PATCH("/api/v0/collections/{key}/", {
          params: { path: { key: collection.key } },
          body: {
            title: values.title.trim(),
            description: values.description.trim() === "" ? null : values.description.trim(),
            view_lists: [...parseGroupList(values.viewLists)],
            admin_lists: [...parseGroupList(values.adminLists)],
            edx_course_id: edxCourseId.trim() === "" ? null : edxCourseId.trim(),
            is_logged_in_only: loggedInOnly,
            ...(isStaff ? staffFlags : {}),
          },
        }),
      );
      const notices = (saved as { notices?: ReadonlyArray<string> }).notices ?? [];
      setResult({ ok: true, text: ["Saved.", ...notices].join(" ") });
      onSaved(saved);
    } catch (error) {
      check(apiFieldErrors(error, FIELDS));
      setResult({ ok: false, text: messageOf(error, "Not saved.") });
    }
  };

  return (
    <form ref={formRef} onSubmit={(event) => void save(event)} noValidate className="panel">
      <FormResult result={result} />
      {fields}
      <Checkbox label="Only signed-in people may watch" checked={loggedInOnly} onChange={setLoggedInOnly} />
      <TextField
        label="edX course id"
        hint="Videos are posted to this course. Linking a course serves its videos without sign-in, since edX learners don’t sign in here."
        error={errors["edx_course_id"]}
        value={edxCourseId}
        onChange={edit("edx_course_id", setEdxCourseId)}
      />
      {isStaff ? (
        <fieldset>
          <legend>Staff settings</legend>
          {STAFF_CHECKBOXES.map(([flag, label]) => (
            <Checkbox
              key={flag}
              label={label}
              checked={staffFlags[flag]}
              onChange={(checked) => setStaffFlags((previous) => ({ ...previous, [flag]: checked }))}
            />
          ))}
          <FormField label="Stream source" hint="Where the collection’s public videos stream from.">
            {(control) => (
              <select
                {...control}
                value={staffFlags.stream_source ?? ""}
                onChange={(event) => {
                  const chosen = STREAM_SOURCES.find(([value]) => value === event.target.value)?.[0] ?? "";
                  setStaffFlags((previous) => ({
                    ...previous,
                    stream_source: chosen === "" ? null : chosen,
                  }));
                }}
              >
                {STREAM_SOURCES.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        </fieldset>
      ) : null}
      <button type="submit">Save settings</button>
    </form>
  );
};
