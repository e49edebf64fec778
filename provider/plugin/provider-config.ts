import { SettingsError } from "../errors/settings-error";
import { describeConfigSetting, type ConfigValues } from "../settings/resolve-settings";
import { SETTING_KEYS, type SettingName } from "../settings/settings-keys";
import { isUnknown, type Props } from "../engine/pulumi-protocol";
import { PACKAGE_NAME } from "../definitions/tokens";

/**
 * A provider's settings as the engine hands them to CheckConfig and Configure: the provider
 * resource's inputs (`args`, without the namespace), and in Configure also the deprecated
 * `variables`, keyed `flashback:config:<name>` (sdk/go/common/resource/plugin/provider_plugin.go).
 * A default provider's inputs are the stack config; an explicit one's are what the program gave it.
 */
export function providerConfig(urn: string | undefined, args: Props, variables: ReadonlyMap<string, string> = new Map()): ConfigValues {
  const explicitProvider = explicitProviderName(urn);
  return {
    ...(explicitProvider !== undefined ? { explicitProvider } : {}),
    get(key: string): string | undefined {
      const name = key.startsWith(`${PACKAGE_NAME}:`) ? key.slice(PACKAGE_NAME.length + 1) : key;
      const value = args[name];
      if (value !== undefined && value !== null && value !== "") return String(value);
      return variables.get(`${PACKAGE_NAME}:config:${name}`) ?? undefined;
    },
  };
}

/** The inputs that hold a value, without those the engine does not know yet (a preview, another resource's output). */
export function knownOnly(args: Props): Props {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => !isUnknown(value)));
}

/**
 * Refuses settings whose value is not known. The engine configures no provider with unknown
 * inputs (it skips its resources' calls in a preview instead), so this only guards against an
 * engine that would: falling back to the environment or the default URL could send the token elsewhere.
 */
export function requireKnownSettings(args: Props, config: ConfigValues): void {
  const unknown = (Object.keys(SETTING_KEYS) as SettingName[]).find((name) => isUnknown(args[name]));
  if (unknown !== undefined) {
    throw new SettingsError(
      `${describeConfigSetting(unknown, config)} is not known yet (it comes from another resource's output); the provider cannot be configured before it is`,
      SETTING_KEYS[unknown].config,
    );
  }
}

/**
 * The provider's name when it is an explicit one, by Pulumi's own rule (IsDefaultProvider in
 * sdk/go/common/providers): a provider whose name starts with `default` is a default provider.
 * Without a URN the settings count as stack config, which is what the dynamic resource reads too.
 */
function explicitProviderName(urn: string | undefined): string | undefined {
  const parts = (urn ?? "").split("::");
  // A provider with a parent has the parents' types before its own, joined by `$`.
  if (parts.length < 4 || !parts[2]?.split("$").pop()?.startsWith("pulumi:providers:")) return undefined;
  const name = parts.slice(3).join("::");
  return name.startsWith("default") ? undefined : name;
}
