/** The package's name in Pulumi: config keys are `flashback:*`, the resource `flashback:index:RepoApiKey`. */
export const PACKAGE_NAME = "flashback";

/** The functions' names, as TypeScript exports them and their tokens end. */
export const LIST_FUNCTION = "getRepoApiKeys";
export const LOOKUP_FUNCTION = "getRepoApiKey";

export const REPO_API_KEY_TOKEN = `${PACKAGE_NAME}:index:RepoApiKey`;
/** The component of two keys that take turns, in TypeScript and served by the plugin's Construct. */
export const ROTATING_REPO_API_KEY_TOKEN = `${PACKAGE_NAME}:index:RotatingRepoApiKey`;
export const ROTATION_SCHEDULE_TOKEN = `${PACKAGE_NAME}:index:RotationSchedule`;
/** The functions' tokens, as `fn::invoke` and the SDKs name them. */
export const GET_REPO_API_KEYS_TOKEN = `${PACKAGE_NAME}:index:${LIST_FUNCTION}`;
export const GET_REPO_API_KEY_TOKEN = `${PACKAGE_NAME}:index:${LOOKUP_FUNCTION}`;
export const LISTED_KEY_TYPE = `${PACKAGE_NAME}:index:ListedRepoApiKey`;
export const ACCESS_TYPE_TYPE = `${PACKAGE_NAME}:index:AccessType`;
export const REVOKED_KEYS_TYPE = `${PACKAGE_NAME}:index:RevokedKeys`;

/**
 * The project's public home: Flashback's GitHub organization, where its official API client lives
 * (flashbacknetwork/FlashbackClient). The Go module path, the plugin's download location and the
 * repository fields all derive from it; the npm scope is Flashback's own, @flashbacktech.
 */
export const PUBLIC_REPOSITORY = "github.com/flashbacknetwork/pulumi-flashback";
/** Where the CLI downloads the plugin that an SDK names: the GitHub releases of the public home. */
export const PLUGIN_DOWNLOAD_URL = `github://api.github.com/${PUBLIC_REPOSITORY.replace(/^github\.com\//, "")}`;
