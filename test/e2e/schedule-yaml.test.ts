import { join } from "node:path";
import { describeScheduleUnderCli } from "../helpers/schedule-suite";

// The plugin's flashback:index:RotationSchedule from a YAML program.
describeScheduleUnderCli({
  title: "a YAML program's RotationSchedule on the plugin, with now moved between deployments",
  languageHost: "yaml",
  programDir: join(__dirname, "programs", "schedule-yaml"),
  stackName: "schedule-yaml",
});
