//! A devolutiva de cada aluno: `PASTA/devolutiva/CHAVE.md`, o que passou e
//! o que falhou em cada exercício e **por quê**, curto: para cada teste que
//! falhou, a asserção (a linha do teste), a mensagem dela e as primeiras
//! linhas da saída de erro dos programas (o erro do próprio servidor); um
//! exercício com o `todo!` do kit ainda no lugar é uma linha só; os erros do
//! compilador inteiros e os arquivos que não foram usados.

use std::path::Path;

use super::entregas::shown;
use super::tabela::number;
use super::{Exercise, Grade, TestOutcome};

/// Quantas linhas da mensagem de um teste entram na devolutiva.
const MESSAGE_LINES: usize = 12;

/// Quantas linhas da saída de erro dos programas entram na devolutiva.
const ERROR_LINES: usize = 8;

/// Onde começa, na mensagem guardada de um teste, a saída de erro dos
/// programas que ele rodou (veja [`with_errors`]).
pub const ERRORS_MARK: &str = "\n--- saída de erro dos programas ---\n";

/// O que o `todo!` do kit escreve ao rodar: `not yet implemented: Exercício 3: ...`.
const TODO: &str = "not yet implemented: Exercício";

/// A mensagem de um teste que falhou, com as primeiras linhas de `errors` (a
/// saída de erro de uma rodada só dele: o que o servidor escreveu antes de
/// parar) depois de [`ERRORS_MARK`].
pub fn with_errors(message: &str, errors: &str) -> String {
    let kept: Vec<&str> = errors
        .lines()
        .filter(|l| !l.trim().is_empty() && !is_backtrace_note(l))
        .take(ERROR_LINES)
        .collect();
    if kept.is_empty() || message.contains(ERRORS_MARK) {
        return message.to_string();
    }
    format!("{message}{ERRORS_MARK}{}", kept.join("\n"))
}

/// As notas do Rust sobre o backtrace, que não dizem nada ao aluno aqui.
fn is_backtrace_note(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("note: run with `RUST_BACKTRACE")
        || line.starts_with("note: Some details are omitted")
        || line.starts_with("stack backtrace:")
}

/// Uma falha lida: onde foi a asserção, a mensagem e a saída de erro.
#[derive(Debug, Default, PartialEq)]
pub struct Failure {
    /// `tests/exercicio_08.rs:45:5`, quando o pânico diz.
    pub place: Option<String>,
    /// A mensagem do pânico (o que a asserção escreveu).
    pub message: Vec<String>,
    /// A saída de erro dos programas.
    pub errors: Vec<String>,
}

/// Separa uma mensagem guardada nas partes dela, sem as notas de backtrace.
/// O harness guarda, de um teste que falhou, o que ele escreveu (a saída de
/// erro dos programas que ele rodou, por exemplo) e depois o pânico:
/// `thread 'nome' (7) panicked at tests/tests/exercicio_08.rs:45:5:` e a
/// mensagem. O que veio antes do pânico vai para a saída de erro.
pub fn read_failure(text: &str) -> Failure {
    let (message, errors) = text.split_once(ERRORS_MARK).unwrap_or((text, ""));
    let mut failure = Failure::default();
    let lines: Vec<&str> = message.lines().filter(|l| !is_backtrace_note(l)).collect();
    let panic = lines
        .iter()
        .rposition(|l| l.starts_with("thread '") && l.contains(" panicked at "));
    let (before, after) = match panic {
        Some(index) => {
            failure.place = lines[index]
                .split_once(" panicked at ")
                .map(|(_, p)| p.trim_end_matches(':').to_string());
            (&lines[..index], &lines[index + 1..])
        }
        None => (&lines[..0], &lines[..]),
    };
    let trimmed = |lines: &[&str]| -> Vec<String> {
        let mut kept: Vec<String> = lines
            .iter()
            .map(|l| l.to_string())
            .skip_while(|l| l.trim().is_empty())
            .collect();
        while kept.last().is_some_and(|l| l.trim().is_empty()) {
            kept.pop();
        }
        kept
    };
    failure.message = trimmed(after);
    failure.errors = trimmed(before);
    failure.errors.extend(errors.lines().map(str::to_string));
    failure
}

/// A linha da asserção em `place` (`tests/tests/exercicio_08.rs:45:5`),
/// lida do teste no workspace `root`: `assert!(ok, "{text}");`. Uma
/// asserção em várias linhas vira uma só.
pub fn assertion(root: &Path, place: &str) -> Option<String> {
    let mut parts = place.rsplitn(3, ':');
    let (_column, line, file) = (parts.next()?, parts.next()?, parts.next()?);
    let line: usize = line.parse().ok()?;
    if file.contains("..") || !file.starts_with("tests/") {
        return None;
    }
    // O caminho vem relativo ao workspace (`tests/tests/exercicio_08.rs`)
    // ou ao pacote dos testes (`tests/exercicio_08.rs`).
    let text = std::fs::read_to_string(root.join(file))
        .or_else(|_| std::fs::read_to_string(root.join("tests").join(file)))
        .ok()?;
    let mut statement = String::new();
    for source in text.lines().skip(line.checked_sub(1)?).take(8) {
        let source = source.trim();
        // Uma asserção em várias linhas vira `assert!(a, "b");`, sem os
        // espaços que as quebras deixariam junto dos parênteses.
        if !statement.is_empty() && !statement.ends_with('(') && !source.starts_with(')') {
            statement.push(' ');
        }
        statement.push_str(source);
        if source.ends_with(';') {
            break;
        }
    }
    (!statement.is_empty()).then_some(statement)
}

/// O texto da devolutiva de um aluno, em Markdown. As asserções vêm dos
/// testes do workspace de referência (os mesmos da correção).
pub fn feedback(exercises: &[Exercise], grade: &Grade) -> String {
    feedback_with(exercises, grade, &crate::workspace_root())
}

/// [`feedback`], com os testes do workspace `root`.
pub fn feedback_with(exercises: &[Exercise], grade: &Grade, root: &Path) -> String {
    let full: f64 = exercises.iter().map(|e| e.points).sum();
    let mut out = format!(
        "# Devolutiva: {}\n\nNota: **{} de {}**.\n",
        shown(&grade.student),
        number(grade.total()),
        number(full)
    );
    if !grade.notes.is_empty() {
        out.push_str("\n## Observações\n\n");
        for note in &grade.notes {
            out.push_str(&format!("- {}\n", shown(note)));
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
        // O `todo!` deste exercício no lugar: uma linha, não a mesma mensagem
        // repetida em cada teste.
        let number = exercise
            .test
            .strip_prefix("exercicio_")
            .and_then(|n| n.parse::<u32>().ok());
        let todo = number.map(|n| format!("{TODO} {n}:"));
        let untouched = todo.as_ref().is_some_and(|todo| {
            result.tests.iter().any(|(_, o)| match o {
                TestOutcome::Failed(m) => m.contains(todo.as_str()),
                _ => false,
            })
        });
        if untouched {
            let passed = result.tests.iter().filter(|(_, o)| o.counts()).count();
            out.push_str(&format!(
                "Exercício não feito: o `todo!` do kit ainda está no lugar da função \
                 ({passed} de {} testes passaram).\n",
                result.tests.len()
            ));
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
                out.push_str(&why(message, root));
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
            out.push_str(&format!("- {}\n", shown(ignored)));
        }
    }
    out
}

/// O porquê de uma falha, em Markdown recuado sob o item do teste: a
/// asserção, a mensagem e a saída de erro, cada uma cortada.
fn why(message: &str, root: &Path) -> String {
    let failure = read_failure(message);
    let mut out = String::new();
    if let Some(place) = &failure.place {
        match assertion(root, place) {
            Some(line) => out.push_str(&format!(
                "\n  Falhou em `{place}`:\n\n  ```rust\n  {}\n  ```\n",
                line.replace('`', "'")
            )),
            None => out.push_str(&format!("\n  Falhou em `{place}`.\n")),
        }
    }
    let mut block = |title: &str, lines: &[String], limit: usize| {
        if lines.is_empty() {
            return;
        }
        out.push_str(&format!("\n  {title}\n\n  ```text\n"));
        for line in lines.iter().take(limit) {
            out.push_str(&format!("  {}\n", shown(line)));
        }
        if lines.len() > limit {
            out.push_str(&format!("  (... mais {} linhas)\n", lines.len() - limit));
        }
        out.push_str("  ```\n");
    };
    block("A mensagem:", &failure.message, MESSAGE_LINES);
    block(
        "A saída de erro dos programas:",
        &failure.errors,
        ERROR_LINES,
    );
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{exercise, grade_for, not_run, ran};
    use super::*;

    fn tests_root() -> std::path::PathBuf {
        crate::workspace_root()
    }

    #[test]
    fn devolutiva_tem_cada_teste_a_mensagem_e_o_erro_inteiro() {
        let long: String = (0..50).map(|i| format!("linha {i}\n")).collect();
        let grade = Grade {
            notes: vec!["udp-echo não compila: error: x (a.rs:1:1)".into()],
            ignored: vec![".cargo/config.toml (não faz parte do kit)".into()],
            compile_log: vec!["error: x\n --> a.rs:1:1".into()],
            ..grade_for(
                "ana\u{1b}[2J",
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
        let text = feedback_with(&exercises, &grade, &tests_root());
        assert!(text.starts_with("# Devolutiva: ana\\x1b[2J\n"), "{text}");
        assert!(text.contains("Nota: **5 de 20**"), "{text}");
        assert!(text.contains("- `a`: passou"), "{text}");
        assert!(text.contains("- `b`: **falhou**"), "{text}");
        assert!(
            text.contains("  linha 11\n  (... mais 38 linhas)"),
            "mensagem cortada: {text}"
        );
        assert!(!text.contains("linha 12\n"), "{text}");
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

    /// O que o harness guarda de uma falha do exercício 8: o pânico da
    /// asserção `assert!(ok, "{text}")`, cuja mensagem é a saída do pinger.
    fn ping_failure() -> String {
        let source =
            std::fs::read_to_string(tests_root().join("tests/tests/exercicio_08.rs")).unwrap();
        let line = source
            .lines()
            .position(|l| l.contains("fn todos_respondidos"))
            .unwrap()
            + 4;
        assert!(
            source.lines().nth(line - 1).unwrap().contains("assert!(ok"),
            "o teste mudou: ajuste a linha"
        );
        format!(
            "\nthread 'todos_respondidos' (3) panicked at tests/tests/exercicio_08.rs:{line}:5:\n\
             PING 127.0.0.1:40000: 4 pings\nping 1: Tempo esgotado\n\
             note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
        )
    }

    #[test]
    fn falha_do_exercicio_8_mostra_a_assercao_e_o_erro_do_programa() {
        let message = with_errors(
            &ping_failure(),
            "Erro: não foi possível abrir o socket: permissão negada\n\
             note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
        );
        let grade = grade_for(
            "ana",
            vec![ran(
                0.0,
                &[("todos_respondidos", TestOutcome::Failed(message))],
            )],
        );
        let text = feedback_with(&[exercise("exercicio_08", 20.0)], &grade, &tests_root());
        let assertion = text.find("assert!(ok, \"{text}\");").expect(&text);
        let panic = text.find("ping 1: Tempo esgotado").expect(&text);
        let errors = text.find("permissão negada").expect(&text);
        assert!(assertion < panic && panic < errors, "nessa ordem: {text}");
        assert!(!text.contains("RUST_BACKTRACE"), "{text}");
    }

    #[test]
    fn exercicio_nao_feito_e_uma_linha() {
        let todo = "\nthread 'a' panicked at tests/exercicio_01.rs:13:5:\no servidor parou (entrou em pânico? devolveu um erro?) antes de mandar a resposta ao datagrama de 11 bytes \"hello world\"\n";
        let todo = with_errors(
            todo,
            "thread 'main' panicked at udp-echo/src/server.rs:10:5:\nnot yet implemented: Exercício 1: escreva esta parte\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
        );
        let tests: Vec<(String, TestOutcome)> = (0..35)
            .map(|i| (format!("t{i}"), TestOutcome::Failed(todo.clone())))
            .collect();
        let tests: Vec<(&str, TestOutcome)> =
            tests.iter().map(|(n, o)| (n.as_str(), o.clone())).collect();
        let grade = grade_for("kit", vec![ran(0.0, &tests)]);
        let text = feedback_with(&[exercise("exercicio_01", 10.0)], &grade, &tests_root());
        assert_eq!(text.matches("Exercício não feito").count(), 1, "{text}");
        assert!(!text.contains("not yet implemented"), "{text}");
        assert!(text.len() < 400, "{} bytes: {text}", text.len());
        // O `todo!` de outro exercício não é "este exercício não feito".
        let text = feedback_with(&[exercise("exercicio_02", 10.0)], &grade, &tests_root());
        assert!(!text.contains("Exercício não feito"), "{text}");
    }

    #[test]
    fn panico_do_programa_escrito_antes_da_assercao_conta_como_saida_de_erro() {
        // O que o harness guarda quando o `udp-echo ping` do kit para no
        // `todo!` e a asserção do teste falha depois.
        let message = "PING 127.0.0.1:5000: 3 pings\n\
                       thread 'main' (1) panicked at udp-echo/src/ping.rs:80:5:\n\
                       not yet implemented: Exercício 8: escreva esta parte\n\
                       note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
                       \nthread 'todos_respondidos' (2) panicked at tests/tests/exercicio_08.rs:45:5:\n\
                       PING 127.0.0.1:5000: 3 pings\n";
        let failure = read_failure(message);
        assert_eq!(
            failure.place.as_deref(),
            Some("tests/tests/exercicio_08.rs:45:5")
        );
        assert_eq!(failure.message, ["PING 127.0.0.1:5000: 3 pings"]);
        assert!(failure.errors.iter().any(|l| l.contains("Exercício 8")));
        let grade = grade_for(
            "kit",
            vec![ran(
                0.0,
                &[("todos_respondidos", TestOutcome::Failed(message.into()))],
            )],
        );
        let text = feedback_with(&[exercise("exercicio_08", 20.0)], &grade, &tests_root());
        assert!(text.contains("Exercício não feito"), "{text}");
    }

    #[test]
    fn falha_sem_panico_reconhecivel_fica_como_veio() {
        let failure = read_failure("algo deu errado\n");
        assert_eq!(failure.place, None);
        assert_eq!(failure.message, ["algo deu errado"]);
        assert_eq!(assertion(&tests_root(), "../../etc/passwd:1:1"), None);
        // Uma asserção em várias linhas, numa só.
        let source =
            std::fs::read_to_string(tests_root().join("tests/tests/exercicio_08.rs")).unwrap();
        let line = 1 + source
            .lines()
            .position(|l| l.contains("\"3 enviados, 2 recebidos, 33,3 % de perda\""))
            .unwrap();
        assert_eq!(
            assertion(
                &tests_root(),
                &format!("tests/tests/exercicio_08.rs:{}:5", line - 1)
            )
            .as_deref(),
            Some(
                "assert!(text.contains(\"3 enviados, 2 recebidos, 33,3 % de perda\"), \"{text}\");"
            )
        );
        assert_eq!(with_errors("x", "\n\n"), "x");
    }
}
