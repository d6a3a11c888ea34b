import { useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { ApiError } from "../api/api-error.js";
import type { Collection } from "../api/schema-types.js";
import { FormAlert, FormField } from "../components/form-field.js";
import { useLoaded } from "../components/use-loaded.js";
import { collectionFormErrors, parseGroupList } from "../forms/field-rules.js";
import type { FormErrors } from "../forms/field-rules.js";
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
  return <SettingsForm collection={loaded.value} onSaved={set} />;
};

const FIELDS = ["title", "view_lists", "admin_lists", "edx_course_id"] as const;

const SettingsForm = ({
  collection,
  onSaved,
}: {
  readonly collection: Collection;
  readonly onSaved: (collection: Collection) => void;
}) => {
  const me = useSession();
  const isStaff = me.user !== null && (me.user.is_staff || me.user.is_superuser);
  const [title, setTitle] = useState(collection.title);
  const [description, setDescription] = useState(collection.description ?? "");
  const [viewLists, setViewLists] = useState(collection.view_lists.join("\n"));
  const [adminLists, setAdminLists] = useState(collection.admin_lists.join("\n"));
  const [edxCourseId, setEdxCourseId] = useState(collection.edx_course_id ?? "");
  const [loggedInOnly, setLoggedInOnly] = useState(collection.is_logged_in_only);
  const [isPublic, setIsPublic] = useState(collection.is_public);
  const [inLearn, setInLearn] = useState(collection.include_in_learn);
  const [forShorts, setForShorts] = useState(collection.for_shorts);
  const [errors, setErrors] = useState<FormErrors>({});
  const [result, setResult] = useState<{ readonly ok: boolean; readonly text: string } | undefined>(
    undefined,
  );
  const [sync, setSync] = useState<
    | {
        readonly message: string;
        readonly posted: ReadonlyArray<string>;
        readonly refused: ReadonlyArray<string>;
      }
    | { readonly error: string }
    | undefined
  >(undefined);
  useDocumentTitle(`Settings of ${collection.title}`);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const found = collectionFormErrors({ title, viewLists, adminLists, edxCourseId });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      const saved = await unwrap(
        api.PATCH("/api/v0/collections/{key}/", {
          params: { path: { key: collection.key } },
          body: {
            title: title.trim(),
            description: description.trim() === "" ? null : description.trim(),
            view_lists: [...parseGroupList(viewLists)],
            admin_lists: [...parseGroupList(adminLists)],
            edx_course_id: edxCourseId.trim() === "" ? null : edxCourseId.trim(),
            is_logged_in_only: loggedInOnly,
            ...(isStaff ? { is_public: isPublic, include_in_learn: inLearn, for_shorts: forShorts } : {}),
          },
        }),
      );
      const notices = (saved as { notices?: ReadonlyArray<string> }).notices ?? [];
      setResult({ ok: true, text: ["Saved.", ...notices].join(" ") });
      onSaved(saved);
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
      setResult({ ok: false, text: error instanceof Error ? error.message : "Not saved." });
    }
  };

  const syncToEdx = async () => {
    try {
      const answer = await unwrap(
        api.POST("/api/v0/sync_collection_videos_with_edx/", { body: { collection_id: collection.key } }),
      );
      setSync({
        message: answer.message,
        posted: answer.to_post.map((video) => video.title),
        refused: answer.refused.map((video) => `${video.title}: ${video.reason}`),
      });
    } catch (error) {
      setSync({ error: error instanceof Error ? error.message : "The sync was refused." });
    }
  };

  return (
    <section aria-labelledby="settings-title">
      <p className="breadcrumbs">
        <Link to="/collections/">Collections</Link> ›{" "}
        <Link to={`/collections/${collection.key}/`}>{collection.title}</Link>
      </p>
      <h1 id="settings-title">Collection settings</h1>
      <form onSubmit={(event) => void save(event)} noValidate className="panel">
        {result === undefined ? null : result.ok ? (
          <p className="notice" role="status">
            {result.text}
          </p>
        ) : (
          <FormAlert message={result.text} />
        )}
        <FormField label="Title" error={errors["title"]}>
          {(control) => (
            <input {...control} value={title} onChange={(event) => setTitle(event.target.value)} />
          )}
        </FormField>
        <FormField label="Description">
          {(control) => (
            <textarea
              {...control}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
          )}
        </FormField>
        <FormField
          label="View groups"
          hint="Members may watch the videos. One per line, or separated by commas."
          error={errors["view_lists"]}
        >
          {(control) => (
            <textarea {...control} value={viewLists} onChange={(event) => setViewLists(event.target.value)} />
          )}
        </FormField>
        <FormField
          label="Admin groups"
          hint="Members may upload and change videos and these settings."
          error={errors["admin_lists"]}
        >
          {(control) => (
            <textarea
              {...control}
              value={adminLists}
              onChange={(event) => setAdminLists(event.target.value)}
            />
          )}
        </FormField>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={loggedInOnly}
            onChange={(event) => setLoggedInOnly(event.target.checked)}
          />{" "}
          Only signed-in people may watch
        </label>
        <FormField
          label="edX course id"
          hint="Videos are posted to this course. Linking a course serves its videos without sign-in, since edX learners don’t sign in here."
          error={errors["edx_course_id"]}
        >
          {(control) => (
            <input
              {...control}
              value={edxCourseId}
              onChange={(event) => setEdxCourseId(event.target.value)}
            />
          )}
        </FormField>
        {isStaff ? (
          <fieldset>
            <legend>Staff settings</legend>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={isPublic}
                onChange={(event) => setIsPublic(event.target.checked)}
              />{" "}
              Public collection (new videos start public)
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={inLearn}
                onChange={(event) => setInLearn(event.target.checked)}
              />{" "}
              Offer its public videos to MIT Learn
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={forShorts}
                onChange={(event) => setForShorts(event.target.checked)}
              />{" "}
              Portrait videos (shorts)
            </label>
          </fieldset>
        ) : null}
        <button type="submit">Save settings</button>
      </form>
      <section aria-labelledby="edx-sync-title" className="panel">
        <h2 id="edx-sync-title">Sync to edX</h2>
        <p className="hint">Posts every ready video of this collection to the edX endpoints of its course.</p>
        <button type="button" onClick={() => void syncToEdx()} disabled={collection.edx_course_id === null}>
          Sync videos to edX
        </button>
        {sync === undefined ? null : "error" in sync ? (
          <FormAlert message={sync.error} />
        ) : (
          <div role="status">
            <p>{sync.message}</p>
            {sync.posted.length === 0 ? null : (
              <>
                <h3>Will be posted</h3>
                <ul>
                  {sync.posted.map((title, index) => (
                    <li key={`${title}-${index}`}>{title}</li>
                  ))}
                </ul>
              </>
            )}
            {sync.refused.length === 0 ? null : (
              <>
                <h3>Left out</h3>
                <ul>
                  {sync.refused.map((line, index) => (
                    <li key={`${line}-${index}`}>{line}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </section>
    </section>
  );
};
