import { useDocumentTitle } from "../routing/navigation.js";
import { useSession } from "../session/session-context.js";

/** `/terms/`: the terms of service. */
export const TermsPage = () => {
  const me = useSession();
  useDocumentTitle("Terms of service");
  return (
    <article aria-labelledby="terms-title" className="prose">
      <h1 id="terms-title">Terms of service</h1>
      <p>
        This service hosts teaching videos for the institution’s courses. By uploading a video you confirm
        that you may share it with the people you give access to, and that it contains nothing unlawful.
      </p>
      <p>
        Videos are kept while their collection exists. Admins of a collection may change who sees its videos
        at any time. Do not share links to videos that are not public with people outside the audience they
        are meant for.
      </p>
      <p>
        Questions about these terms or a request to remove content:{" "}
        <a href={`mailto:${me.support_email}`}>{me.support_email}</a>.
      </p>
    </article>
  );
};
