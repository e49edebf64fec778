/*
 * docs/installation-configuration.md, as Pulumi's registry asks of it: how to get each language's
 * package, the command that installs the plugin, and the provider's settings with `pulumi config
 * set` and with environment variables, the settings table written from the schema's config.
 */
import { SETTING_KEYS, type SettingName } from "../../provider/settings/settings-keys";
import { frontMatter, table } from "./markdown";
import type { SchemaView } from "./schema-view";

export function installationPage(schema: SchemaView): string {
  const { displayName, name, version } = schema;
  const repository = schema.repository;
  const goModule = schema.language.go.importBasePath;
  return [
    frontMatter(
      `${displayName}: Installation & Configuration`,
      `How to install the ${displayName} provider for Pulumi and configure its credentials.`,
    ),
    "## Installation",
    `The ${displayName} provider is available in these Pulumi languages:`,
    table(
      ["language", "install", "source"],
      [
        ["TypeScript / JavaScript", "`npm install @flashbacktech/pulumi @pulumi/pulumi`", `[the package](${repository})`],
        ["Python", `\`pip install ${schema.language.python.packageName}\``, `[sdk/python](${repository}/tree/main/sdk/python)`],
        ["Go", `\`go get ${goModule}\``, `[sdk/go](${repository}/tree/main/sdk/go)`],
        [
          "YAML",
          `the plugin, once: \`pulumi plugin install resource ${name} <version> --server github://api.github.com/flashbacknetwork/pulumi-flashback\`; then \`type: ${name}:index:RepoApiKey\``,
          "-",
        ],
        ["C#, Java", "not published: `pulumi package gen-sdk` on the plugin generates one", "-"],
      ],
    ),
    "TypeScript programs need no plugin. For Python and Go the CLI downloads the plugin on the first `pulumi up`, " +
      "from the GitHub release the SDK names; to install it ahead of time:",
    `\`\`\`sh\npulumi plugin install resource ${name} ${version} --server ${schema.pluginDownloadURL}\n\`\`\``,
    "Where the machine has no internet, copy the release's tarball and checksums file and install it from the file:",
    `\`\`\`sh\nsha256sum --check --ignore-missing pulumi-${name}_${version}_checksums.txt\n` +
      `pulumi plugin install resource ${name} ${version} --file pulumi-resource-${name}-v${version}-linux-amd64.tar.gz\n\`\`\``,
    "## Configuration",
    "The provider reads its settings when it runs, from the stack config and else from the environment of the `pulumi` process: " +
      "nothing of it is stored in your program or in the state. Stack config wins over the environment; an empty value counts as unset. " +
      "A Flashback access token (valid one hour) or a refresh token (the provider renews the access token with it) is required.",
    "With the stack config, as secrets:",
    `\`\`\`sh\npulumi config set --secret ${SETTING_KEYS.accessToken.config} "$TOKEN"\npulumi config set --secret ${SETTING_KEYS.refreshToken.config} "$REFRESH_TOKEN"\n\`\`\``,
    "Or with environment variables:",
    `\`\`\`sh\nexport ${SETTING_KEYS.accessToken.env}="$TOKEN"\nexport ${SETTING_KEYS.refreshToken.env}="$REFRESH_TOKEN"\n\`\`\``,
    "Pass `--secret` for the tokens so that they are encrypted in the stack's config. Every setting:",
    table(
      ["stack config", "environment", "type", "secret", "description"],
      Object.entries(schema.config.variables).map(([setting, variable]) => [
        `\`${name}:${setting}\``,
        `\`${SETTING_KEYS[setting as SettingName].env}\``,
        variable.type,
        variable.secret === true ? "yes" : "no",
        variable.description,
      ]),
    ),
    "An explicit provider (`flashback.Provider` in Python and Go, a resource of type `pulumi:providers:flashback` in YAML) takes the same settings as inputs.",
  ].join("\n\n");
}
