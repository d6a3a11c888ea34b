import { useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import { useCollectionFields } from "../components/collection-fields.js";
import { FormAlert } from "../components/form-field.js";
import { ModalDialog } from "../components/modal-dialog.js";
import { useLoaded } from "../components/use-loaded.js";
import { apiFieldErrors, collectionFormErrors, parseGroupList } from "../forms/field-rules.js";
import { Link, leaveTo, navigate, useDocumentTitle, useLocation } from "../routing/navigation.js";
import { signInUrl } from "../routing/page-route.js";
import { useSession } from "../session/session-context.js";
import { PageFailure, Loading } from "./page-failure.js";

const PAGE_SIZE = 24;

/** `/collections/`: my collections, searchable, a page at a time; "New collection" for staff. */
export const CollectionsPage = () => {
  const me = useSession();
  const { search } = useLocation();
  const query = new URLSearchParams(search);
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const searched = query.get("search") ?? "";
  const [typed, setTyped] = useState(searched);
  const [creating, setCreating] = useState(false);
  useDocumentTitle("Collections");

  const { loaded } = useLoaded(`${page}|${searched}`, () =>
    unwrap(
      api.GET("/api/v0/collections/", {
        params: { query: { page, page_size: PAGE_SIZE, ...(searched === "" ? {} : { search: searched }) } },
      }),
    ),
  );

  if (me.user === null) {
    leaveTo(signInUrl("/collections/"));
    return <Loading what="sign-in" />;
  }

  const go = (nextPage: number, nextSearch: string) => {
    const params = new URLSearchParams();
    if (nextSearch !== "") params.set("search", nextSearch);
    if (nextPage > 1) params.set("page", String(nextPage));
    const text = params.toString();
    navigate(`/collections/${text === "" ? "" : `?${text}`}`);
  };
  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    go(1, typed.trim());
  };

  return (
    <section aria-labelledby="collections-title">
      <div className="page-heading">
        <h1 id="collections-title">My collections</h1>
        {me.may_create_collections ? (
          <button type="button" onClick={() => setCreating(true)}>
            New collection
          </button>
        ) : null}
      </div>
      <form role="search" className="search" onSubmit={submitSearch}>
        <label htmlFor="collection-search">Search collections and their videos</label>
        <input
          id="collection-search"
          type="search"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      {loaded.state === "loading" ? (
        <Loading what="collections" />
      ) : loaded.state === "failed" ? (
        <PageFailure error={loaded.error} />
      ) : loaded.value.count === 0 ? (
        <p className="empty">
          {searched === ""
            ? "No collections yet. A collection is shared with you when you are on one of its view or admin groups."
            : `No collection matches “${searched}”.`}
        </p>
      ) : (
        <>
          <p className="hint" role="status">
            {loaded.value.count} collection{loaded.value.count === 1 ? "" : "s"}
            {loaded.value.num_pages > 1 ? `, page ${page} of ${loaded.value.num_pages}` : ""}
          </p>
          <ul className="collection-list">
            {loaded.value.results.map((collection) => (
              <li key={collection.key} className="collection-item">
                <h2>
                  <Link to={`/collections/${collection.key}/`}>{collection.title}</Link>
                </h2>
                {collection.description === null || collection.description === "" ? null : (
                  <p>{collection.description}</p>
                )}
                <p className="hint">
                  {collection.video_count} video{collection.video_count === 1 ? "" : "s"} · owner{" "}
                  {collection.owner_info.email}
                </p>
              </li>
            ))}
          </ul>
          {loaded.value.num_pages > 1 ? (
            <nav aria-label="Pages" className="pager">
              <button
                type="button"
                disabled={loaded.value.previous === null}
                onClick={() => go(page - 1, searched)}
              >
                Previous page
              </button>
              <span>
                Page {page} of {loaded.value.num_pages}
              </span>
              <button
                type="button"
                disabled={loaded.value.next === null}
                onClick={() => go(page + 1, searched)}
              >
                Next page
              </button>
            </nav>
          ) : null}
        </>
      )}
      <ModalDialog title="New collection" open={creating} onClose={() => setCreating(false)}>
        <NewCollectionForm />
      </ModalDialog>
    </section>
  );
};

const NewCollectionForm = () => {
  const { formRef, check, values, fields } = useCollectionFields({
    title: "",
    description: "",
    viewLists: "",
    adminLists: "",
  });
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!check(collectionFormErrors({ ...values, edxCourseId: "" }))) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      const created = await unwrap(
        api.POST("/api/v0/collections/", {
          body: {
            title: values.title.trim(),
            description: values.description.trim() === "" ? null : values.description.trim(),
            view_lists: [...parseGroupList(values.viewLists)],
            admin_lists: [...parseGroupList(values.adminLists)],
          },
        }),
      );
      navigate(`/collections/${created.key}/`);
    } catch (error) {
      setBusy(false);
      check(apiFieldErrors(error, ["title", "view_lists", "admin_lists"]));
      setRefusal(messageOf(error, "The collection could not be created."));
    }
  };

  return (
    <form ref={formRef} onSubmit={(event) => void submit(event)} noValidate>
      <FormAlert message={refusal} />
      {fields}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create collection"}
        </button>
      </div>
    </form>
  );
};
