/** What the Dropbox Chooser hands back for each file the person picked. */
export interface DropboxFile {
  readonly name: string;
  readonly link: string;
  readonly bytes?: number;
  readonly isDir?: boolean;
  readonly id?: string;
  readonly icon?: string;
}

interface DropboxGlobal {
  choose(options: {
    success: (files: ReadonlyArray<DropboxFile>) => void;
    cancel?: () => void;
    linkType: "direct" | "preview";
    multiselect: boolean;
    extensions?: ReadonlyArray<string>;
    folderselect?: boolean;
  }): void;
}

const DROPINS_URL = "https://www.dropbox.com/static/api/2/dropins.js";

let loading: Promise<DropboxGlobal> | undefined;

/**
 * Loads Dropbox's Chooser script once, with the app key it requires on its tag. The CSP allows
 * that one script origin only when `DROPBOX_KEY` is configured.
 */
const loadDropbox = (appKey: string): Promise<DropboxGlobal> => {
  loading ??= new Promise<DropboxGlobal>((resolve, reject) => {
    const script = document.createElement("script");
    script.id = "dropboxjs";
    script.src = DROPINS_URL;
    script.dataset["appKey"] = appKey;
    script.addEventListener("load", () => {
      const dropbox = (window as unknown as { Dropbox?: DropboxGlobal }).Dropbox;
      if (dropbox === undefined) reject(new Error("Dropbox did not load."));
      else resolve(dropbox);
    });
    script.addEventListener("error", () => {
      loading = undefined;
      reject(new Error("Dropbox could not be reached."));
    });
    document.head.append(script);
  });
  return loading;
};

/** Opens the Chooser; resolves with the picked files (empty when the person cancelled). */
export const chooseFromDropbox = async (appKey: string): Promise<ReadonlyArray<DropboxFile>> => {
  const dropbox = await loadDropbox(appKey);
  return new Promise((resolve) =>
    dropbox.choose({
      success: resolve,
      cancel: () => resolve([]),
      linkType: "direct",
      multiselect: true,
      extensions: ["video"],
    }),
  );
};
