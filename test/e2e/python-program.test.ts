import { describePluginProgram, packageAdd, PYTHON_SDK_IMPORT } from "../helpers/plugin-program-suite";

// Python: `pulumi package add` generates pulumi_flashback from the plugin's schema into the
// program's sdks/, adds it to requirements.txt and installs it into the program's virtual environment.
describePluginProgram({
  language: "python",
  title: "a Python program through the flashback provider plugin and its generated SDK",
  prepare: packageAdd(PYTHON_SDK_IMPORT),
});
