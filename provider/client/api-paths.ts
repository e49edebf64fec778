/**
 * Flashback's key endpoints. Each path is given as a template (what error messages show) and built
 * with every parameter percent-encoded, so an id can never change which endpoint is called.
 */
export const API_PATHS = {
  apiKeys: "/repo/{repoId}/apikey",
  apiKey: "/repo/{repoId}/apikey/{apikeyId}",
  refreshToken: "/user/refresh",
  login: "/user/login",
} as const;

export type PathTemplate = (typeof API_PATHS)[keyof typeof API_PATHS];

/** Fills a template; the result is relative (no leading `/`) so that it appends to the base URL's path. */
export function buildPath(template: PathTemplate, params: Readonly<Record<string, string>> = {}): string {
  return template.slice(1).replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`path parameter ${name} missing for ${template}`);
    return encodeURIComponent(value);
  });
}
