//! The GitHub Action (`action.yml`, a composite action) and the workflow template: both pass
//! GitHub's published schemas (check-jsonschema's vendored copies, from PATH; scripts/test.sh
//! installs it), the template installs gatekeeper through the action, and the action's own
//! shell steps run for real against temporary repositories.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::{
    Sandbox, TestRepo, assert_code, assert_success, bin, required_tool, source_root, text,
};

pub fn action() -> Value {
    let text = std::fs::read_to_string(source_root().join("action.yml")).unwrap();
    serde_saphyr::from_str(&text).expect("action.yml is valid YAML")
}

pub fn workflow_template() -> Value {
    let text = std::fs::read_to_string(source_root().join("templates/github-actions.yml")).unwrap();
    serde_saphyr::from_str(&text).expect("the template is valid YAML")
}

/// The `run:` script of the action's step with this `id`, or whose name starts with `name`.
fn action_script(step: &str) -> String {
    action()["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == step || s["name"].as_str().is_some_and(|n| n.starts_with(step)))
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("action.yml has a `{step}` step with a script"))
        .to_owned()
}

/// The steps of a template job that use gatekeeper's action (`uses: …/gatekeeper@…`).
fn action_steps(job: &str) -> Vec<(usize, Value)> {
    workflow_template()["jobs"][job]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.split('@').next().unwrap().ends_with("/gatekeeper"))
        })
        .map(|(i, s)| (i, s.clone()))
        .collect()
}

/// A directory holding `gatekeeper` (the binary under test), as the action's cache would.
fn gatekeeper_dir(sb: &Sandbox) -> PathBuf {
    let dir = sb.path().join("tool-cache");
    if !dir.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        symlink(bin(), dir.join("gatekeeper")).unwrap();
    }
    dir
}

/// Runs the action's command step (`gatekeeper ci` / `deploy-check`) in `repo` as the runner
/// would: bash, the step's environment with the inputs given in `with`, `CI=true`.
pub fn run_action_command(
    sb: &Sandbox,
    repo: &TestRepo,
    with: &Value,
    default_base: &str,
) -> Output {
    let input = |name: &str, default: &str| {
        with[name]
            .as_str()
            .map_or_else(|| default.to_owned(), str::to_owned)
    };
    let mut c = Command::new("bash");
    c.args([
        "-e",
        "-c",
        &action_script("gatekeeper ${{ inputs.command }}"),
    ])
    .current_dir(&repo.root)
    .env_clear()
    .stdin(Stdio::null());
    for (k, v) in &repo.env {
        c.env(k, v);
    }
    c.env("CI", "true")
        .env("INPUT_COMMAND", input("command", "ci"))
        .env("INPUT_BASE", input("base", ""))
        .env("INPUT_ARGS", input("args", ""))
        .env("DEFAULT_BASE", default_base)
        .env("GATEKEEPER_DIR", gatekeeper_dir(sb));
    c.output().expect("run the action's step")
}

fn check_jsonschema(schema: &str, file: &Path) -> Output {
    Command::new(required_tool("check-jsonschema"))
        .args(["--builtin-schema", schema])
        .arg(file)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run check-jsonschema")
}

#[test]
fn action_and_workflow_template_pass_githubs_schemas() {
    let out = check_jsonschema("vendor.github-actions", &source_root().join("action.yml"));
    assert_success(
        &out,
        "action.yml against the GitHub Actions metadata schema",
    );
    let out = check_jsonschema(
        "vendor.github-workflows",
        &source_root().join("templates/github-actions.yml"),
    );
    assert_success(&out, "the workflow template against the workflow schema");

    // The checker does judge: a composite step without `shell:` is refused.
    let sb = Sandbox::new();
    let action = std::fs::read_to_string(source_root().join("action.yml")).unwrap();
    let broken = action.replacen("      shell: bash\n", "", 1);
    assert_ne!(broken, action);
    let path = sb.path().join("action.yml");
    std::fs::write(&path, broken).unwrap();
    let out = check_jsonschema("vendor.github-actions", &path);
    assert_code(&out, 1, "a composite step without shell is invalid");
}

#[test]
fn workflow_template_installs_gatekeeper_with_the_action() {
    let wf = workflow_template();
    let inputs = action()["inputs"].as_object().unwrap().clone();
    for (job, command) in [("ci", "ci"), ("deploy", "deploy-check")] {
        let steps = action_steps(job);
        assert_eq!(steps.len(), 1, "the {job} job uses the action once");
        let with = steps[0].1["with"].as_object().unwrap();
        assert_eq!(with["command"], command);
        for key in with.keys() {
            assert!(
                inputs.contains_key(key),
                "`{key}` is an input of action.yml"
            );
        }
        for step in wf["jobs"][job]["steps"].as_array().unwrap() {
            let run = step["run"].as_str().unwrap_or("");
            assert!(
                !run.contains("cargo install") && !run.contains("cargo build"),
                "the {job} job builds nothing itself: {run}"
            );
        }
    }
    let (check_at, _) = action_steps("deploy")[0].clone();
    let deploy_at = wf["jobs"]["deploy"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["name"] == "Deploy")
        .expect("a Deploy step");
    assert!(check_at < deploy_at, "deploy-check comes before the deploy");
}

#[test]
fn action_ci_compares_with_the_base_and_refuses_a_failing_gate() {
    let sb = Sandbox::new();
    let r = sb.repo("shop");
    r.write(
        "gatekeeper.yml",
        "gates:\n  no-todo:\n    run: \"! grep -n TODO {files}\"\n    glob: [\"*.txt\"]\n    stages: [ci]\n",
    );
    r.write("old.txt", "TODO: left from before\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "base"]);
    let base = r.head();
    r.write("new.txt", "clean\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "clean change"]);
    let with: Value = serde_json::json!({"command": "ci"});

    // Only the files changed since the base are checked: old.txt's TODO is not.
    let out = run_action_command(&sb, &r, &with, &base);
    assert_success(&out, "ci against the pull request's base");

    // A push that created the branch (all-zero `before`): every tracked file is checked.
    let out = run_action_command(&sb, &r, &with, &"0".repeat(40));
    assert_code(&out, 1, "ci on all files finds the old TODO");
    assert!(text(&out).contains("no-todo"), "{}", text(&out));

    r.write("new.txt", "TODO: new\n");
    r.git(&["commit", "-q", "-am", "todo"]);
    let out = run_action_command(&sb, &r, &with, &base);
    assert_code(&out, 1, "a changed file with TODO is refused");
    let explicit = serde_json::json!({"command": "ci", "base": r.head()});
    let out = run_action_command(&sb, &r, &explicit, &base);
    assert_success(&out, "the `base` input wins over the event's base");
}

#[test]
fn action_refuses_an_unknown_command() {
    let sb = Sandbox::new();
    let r = sb.repo("shop");
    let out = run_action_command(&sb, &r, &serde_json::json!({"command": "deploy"}), "");
    assert_code(&out, 2, "an unknown command is a usage error");
    assert!(
        text(&out).contains("unknown command `deploy`"),
        "{}",
        text(&out)
    );
}

#[test]
fn action_cache_key_follows_the_sources_of_the_version() {
    let sb = Sandbox::new();
    let action_path = sb.path().join("action");
    std::fs::create_dir_all(action_path.join("src")).unwrap();
    std::fs::write(action_path.join("Cargo.toml"), "[package]\n").unwrap();
    std::fs::write(action_path.join("src/main.rs"), "fn main() {}\n").unwrap();
    let key = || {
        let output = sb.path().join("github_output");
        std::fs::write(&output, "").unwrap();
        let out = Command::new("bash")
            .args(["-e", "-c", &action_script("key")])
            .env_clear()
            .envs(sb.env().into_iter().filter(|(k, _)| k == "PATH"))
            .env("HOME", &sb.home)
            .env("GITHUB_ACTION_PATH", &action_path)
            .env("GITHUB_OUTPUT", &output)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TOOL_CACHE", sb.path().join("tc"))
            .output()
            .unwrap();
        assert_success(&out, "the action's key step");
        std::fs::read_to_string(&output).unwrap()
    };
    let first = key();
    let line = first.lines().next().unwrap();
    assert!(line.starts_with("key=gatekeeper-Linux-X64-"), "{first}");
    assert_eq!(
        line.len(),
        "key=gatekeeper-Linux-X64-".len() + 16,
        "{first}"
    );
    assert!(first.contains(&format!(
        "dir={}/gatekeeper/",
        sb.path().join("tc").display()
    )));
    assert_eq!(key(), first, "the same sources give the same key");
    std::fs::write(action_path.join("src/main.rs"), "fn main() { }\n").unwrap();
    assert_ne!(key(), first, "another version is built and cached anew");
}

#[test]
fn action_puts_gatekeeper_on_path_and_reports_its_version() {
    let sb = Sandbox::new();
    let github_path = sb.path().join("github_path");
    let output = sb.path().join("github_output");
    std::fs::write(&github_path, "").unwrap();
    std::fs::write(&output, "").unwrap();
    let dir = gatekeeper_dir(&sb);
    let out = Command::new("bash")
        .args(["-e", "-c", &action_script("installed")])
        .env_clear()
        .envs(sb.env())
        .env("GATEKEEPER_DIR", &dir)
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    assert_success(&out, "the action's PATH step");
    assert_eq!(
        std::fs::read_to_string(&github_path).unwrap().trim(),
        dir.to_string_lossy()
    );
    let version = std::fs::read_to_string(&output).unwrap();
    assert!(
        version.starts_with(&format!("version=gatekeeper {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
}
