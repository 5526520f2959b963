//! O kit como modelo do GitHub Classroom: um workflow que roda os testes de
//! cada exercício a cada `git push` do aluno, para ele ver o próprio
//! progresso, e o `autograding.json` que a tela do Classroom importa.
//!
//! Os testes rodam no repositório do aluno, que ele controla: um aluno pode
//! mudar os testes ou o workflow e "passar". A nota final vem do `notas`,
//! com os testes do professor e a caixa de areia.

use crate::notas::Exercise;

/// A máquina do GitHub em que o workflow roda os testes (`runs-on`), que o
/// professor escolhe no `kit --classroom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Runner {
    /// Linux: todos os testes rodam (o padrão).
    #[default]
    #[value(name = "ubuntu-latest")]
    Ubuntu,
    /// Windows, para uma turma que trabalha no Windows: os testes rodam como
    /// no laptop dela, e os que só o Linux sabe provocar aparecem como
    /// ignorados, com o motivo.
    #[value(name = "windows-latest")]
    Windows,
}

impl Runner {
    /// O nome que o GitHub Actions usa em `runs-on`.
    pub fn name(self) -> &'static str {
        match self {
            Runner::Ubuntu => "ubuntu-latest",
            Runner::Windows => "windows-latest",
        }
    }
}

/// O workflow (`.github/workflows/classroom.yml`): um passo por exercício,
/// com os pontos de `tests/pontos.txt`, e o relatório do Classroom no fim.
/// As duas máquinas já vêm com o Rust (rustup) instalado.
pub fn workflow(exercises: &[Exercise], runner: Runner) -> String {
    let mut out = format!(
        "# Gerado por `cargo run -p professor -- kit`: roda os testes de cada exercício\n\
         # a cada push, para o aluno ver o progresso. A nota final vem do `notas` do\n\
         # professor (estes testes ficam no repositório do aluno e podem ser mudados).\n\
         name: Testes dos exercícios\n\
         \"on\":\n  - push\n  - workflow_dispatch\n\
         permissions:\n  checks: write\n  actions: read\n  contents: read\n\
         jobs:\n  exercicios:\n    runs-on: {runner}\n\
         \x20   if: github.actor != 'github-classroom[bot]'\n\
         \x20   steps:\n\
         \x20     - uses: actions/checkout@v4\n\
         \x20     - name: Compilar (uma vez, para todos os exercícios)\n\
         \x20       run: cargo test --locked -p avaliacao --no-run\n",
        runner = runner.name(),
    );
    for exercise in exercises {
        out.push_str(&format!(
            "      - name: {name}\n        id: {id}\n        uses: classroom-resources/autograding-command-grader@v1\n        with:\n          test-name: {name}\n          command: cargo test --locked -q -p avaliacao --test {test}\n          timeout: 5\n          max-score: {points}\n",
            name = title(&exercise.test),
            id = exercise.test.replace('_', "-"),
            test = exercise.test,
            points = exercise.points.round() as u64,
        ));
    }
    out.push_str(
        "      - name: Relatório do Classroom\n        uses: classroom-resources/autograding-grading-reporter@v1\n        env:\n",
    );
    for exercise in exercises {
        let id = exercise.test.replace('_', "-");
        out.push_str(&format!(
            "          {}_RESULTS: \"${{{{steps.{id}.outputs.result}}}}\"\n",
            id.to_uppercase()
        ));
    }
    let ids: Vec<String> = exercises.iter().map(|e| e.test.replace('_', "-")).collect();
    out.push_str(&format!(
        "        with:\n          runners: {}\n",
        ids.join(",")
    ));
    out
}

/// O `autograding.json` (`.github/classroom/autograding.json`), o formato
/// que a tela de testes do Classroom importa.
pub fn autograding_json(exercises: &[Exercise]) -> String {
    let tests: Vec<String> = exercises
        .iter()
        .map(|exercise| {
            format!(
                "    {{\n      \"name\": \"{}\",\n      \"setup\": \"\",\n      \"run\": \"cargo test --locked -q -p avaliacao --test {}\",\n      \"input\": \"\",\n      \"output\": \"\",\n      \"comparison\": \"included\",\n      \"timeout\": 5,\n      \"points\": {}\n    }}",
                title(&exercise.test),
                exercise.test,
                exercise.points.round() as u64
            )
        })
        .collect();
    format!("{{\n  \"tests\": [\n{}\n  ]\n}}\n", tests.join(",\n"))
}

/// Escreve no kit em `destination` o workflow e o `autograding.json`.
pub fn write(
    destination: &std::path::Path,
    exercises: &[Exercise],
    runner: Runner,
) -> Result<(), String> {
    let files = [
        (
            ".github/workflows/classroom.yml",
            workflow(exercises, runner),
        ),
        (
            ".github/classroom/autograding.json",
            autograding_json(exercises),
        ),
    ];
    for (relative, text) in files {
        let path = destination.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// `exercicio_07` → `Exercício 7`.
fn title(test: &str) -> String {
    match test
        .strip_prefix("exercicio_")
        .and_then(|n| n.parse::<u32>().ok())
    {
        Some(n) => format!("Exercício {n}"),
        None => test.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercises() -> Vec<Exercise> {
        ["exercicio_01", "exercicio_08"]
            .iter()
            .zip([10.0, 20.0])
            .map(|(test, points)| Exercise {
                test: test.to_string(),
                points,
                weights: Default::default(),
            })
            .collect()
    }

    #[test]
    fn workflow_tem_um_passo_por_exercicio_e_o_relatorio() {
        let text = workflow(&exercises(), Runner::Ubuntu);
        assert!(text.contains("runs-on: ubuntu-latest\n"), "{text}");
        assert!(text.contains("id: exercicio-01"), "{text}");
        assert!(text.contains("--test exercicio_08"), "{text}");
        assert!(text.contains("max-score: 20"), "{text}");
        assert!(
            text.contains("EXERCICIO-08_RESULTS: \"${{steps.exercicio-08.outputs.result}}\""),
            "{text}"
        );
        assert!(
            text.contains("runners: exercicio-01,exercicio-08"),
            "{text}"
        );
    }

    #[test]
    fn workflow_no_windows_muda_so_a_maquina() {
        let linux = workflow(&exercises(), Runner::Ubuntu);
        let windows = workflow(&exercises(), Runner::Windows);
        assert!(windows.contains("runs-on: windows-latest\n"), "{windows}");
        assert_eq!(
            windows.replace("windows-latest", "ubuntu-latest"),
            linux,
            "só o runs-on muda: os comandos são os mesmos no PowerShell"
        );
    }

    #[test]
    fn autograding_json_com_os_pontos() {
        let text = autograding_json(&exercises());
        assert!(text.contains("\"name\": \"Exercício 1\""), "{text}");
        assert!(text.contains("\"points\": 20"), "{text}");
        assert_eq!(text.matches("\"run\"").count(), 2);
    }
}
