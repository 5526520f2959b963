//! A devolutiva de cada aluno: `PASTA/devolutiva/NOME.md`, o que passou e o
//! que falhou em cada exercício, com a mensagem de cada teste que falhou, os
//! erros do compilador inteiros e os arquivos que não foram usados.

use super::{Exercise, Grade, TestOutcome};

/// Quantas linhas da mensagem de um teste entram na devolutiva.
const MESSAGE_LINES: usize = 30;

/// Um número com vírgula decimal: `8,33`.
fn number(value: f64) -> String {
    format!("{}", super::pontos::round2(value)).replace('.', ",")
}

/// O texto da devolutiva de um aluno, em Markdown.
pub fn feedback(exercises: &[Exercise], grade: &Grade) -> String {
    let full: f64 = exercises.iter().map(|e| e.points).sum();
    let mut out = format!(
        "# Devolutiva: {}\n\nNota: **{} de {}**.\n",
        grade.student,
        number(grade.total()),
        number(full)
    );
    if !grade.notes.is_empty() {
        out.push_str("\n## Observações\n\n");
        for note in &grade.notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    for (exercise, result) in exercises.iter().zip(&grade.exercises) {
        out.push_str(&format!(
            "\n## {}: {} de {}\n\n",
            exercise.test,
            number(result.points),
            number(exercise.points)
        ));
        if let Some(note) = &result.note {
            out.push_str(&format!("Nenhum teste rodou: {note}.\n"));
            continue;
        }
        for (name, outcome) in &result.tests {
            let status = match outcome {
                TestOutcome::Passed => "passou",
                TestOutcome::Flaky => "passou na segunda tentativa (instável)",
                TestOutcome::Failed(_) => "**falhou**",
                TestOutcome::TimedOut => "**tempo-limite** (não terminou a tempo)",
                TestOutcome::DidNotFinish => {
                    "**não terminou** (o programa de teste saiu antes do fim)"
                }
            };
            out.push_str(&format!("- `{name}`: {status}\n"));
            if let TestOutcome::Failed(message) = outcome {
                if !message.is_empty() {
                    out.push_str("\n  ```text\n");
                    for line in message.lines().take(MESSAGE_LINES) {
                        out.push_str(&format!("  {line}\n"));
                    }
                    if message.lines().count() > MESSAGE_LINES {
                        out.push_str("  (...)\n");
                    }
                    out.push_str("  ```\n\n");
                }
            }
        }
    }
    if !grade.compile_log.is_empty() {
        out.push_str("\n## Erros de compilação\n\n");
        for log in &grade.compile_log {
            out.push_str(&format!("```text\n{log}\n```\n\n"));
        }
    }
    if !grade.ignored.is_empty() {
        out.push_str(
            "\n## Arquivos não usados\n\nSó os arquivos `.rs` de `common/src`, `udp-echo/src` e \
             `tcp-echo/src` vêm da entrega; o resto vem do kit. Estes arquivos da entrega \
             não foram usados:\n\n",
        );
        for ignored in &grade.ignored {
            out.push_str(&format!("- {ignored}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{exercise, grade_for, not_run, ran};
    use super::*;

    #[test]
    fn devolutiva_tem_cada_teste_a_mensagem_e_o_erro_inteiro() {
        let long: String = (0..50).map(|i| format!("linha {i}\n")).collect();
        let grade = Grade {
            notes: vec!["udp-echo não compila: error: x (a.rs:1:1)".into()],
            ignored: vec![".cargo/config.toml (não faz parte do kit)".into()],
            compile_log: vec!["error: x\n --> a.rs:1:1".into()],
            ..grade_for(
                "ana",
                vec![
                    ran(
                        5.0,
                        &[("a", TestOutcome::Passed), ("b", TestOutcome::Failed(long))],
                    ),
                    not_run("udp-echo não compila"),
                ],
            )
        };
        let exercises = [
            exercise("exercicio_01", 10.0),
            exercise("exercicio_02", 10.0),
        ];
        let text = feedback(&exercises, &grade);
        assert!(text.contains("Nota: **5 de 20**"), "{text}");
        assert!(text.contains("- `a`: passou"), "{text}");
        assert!(text.contains("- `b`: **falhou**"), "{text}");
        assert!(
            text.contains("  linha 29\n  (...)"),
            "mensagem cortada: {text}"
        );
        assert!(!text.contains("linha 30"), "{text}");
        assert!(
            text.contains("Nenhum teste rodou: udp-echo não compila."),
            "{text}"
        );
        assert!(
            text.contains("```text\nerror: x\n --> a.rs:1:1\n```"),
            "{text}"
        );
        assert!(text.contains("- .cargo/config.toml"), "{text}");
    }
}
