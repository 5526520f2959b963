//! O relatório do harness de testes do Rust (libtest), lido linha a linha.
//!
//! Por que o relatório e não o código de saída: um programa de teste que
//! chama `std::process::exit(0)` no meio sai com 0 sem ter rodado teste
//! nenhum. Um teste só conta quando o harness escreveu `test NOME ... ok`
//! **e** a linha final `test result:` — que ele só escreve depois de rodar
//! todos. (Formato estável: é o que `cargo test` mostra há anos.)

use std::collections::BTreeMap;

/// O resultado de um teste, como o harness contou.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `... ok`
    Passed,
    /// `... FAILED`
    Failed,
    /// `... ignored`
    Ignored,
}

/// O que uma execução de um programa de teste contou.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    /// Cada teste que o harness contou, pelo nome.
    pub results: BTreeMap<String, Status>,
    /// A mensagem de cada teste que falhou (o que ele escreveu e o pânico).
    pub messages: BTreeMap<String, String>,
    /// O harness chegou à linha final (`test result: ...`)?
    pub finished: bool,
}

/// Lê a saída de um programa de teste.
pub fn parse(output: &str) -> Report {
    let mut report = Report::default();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("test ") {
            if rest.starts_with("result: ") {
                report.finished = true;
                continue;
            }
            if let Some((name, result)) = rest.rsplit_once(" ... ") {
                let status = match result.trim() {
                    "ok" => Some(Status::Passed),
                    "FAILED" => Some(Status::Failed),
                    r if r.starts_with("ignored") => Some(Status::Ignored),
                    _ => None,
                };
                if let Some(status) = status {
                    report.results.insert(name.trim().to_string(), status);
                }
                continue;
            }
        }
        // As mensagens das falhas: "---- NOME stdout ----" até a próxima
        // seção ou a lista final "failures:".
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            if let Some((name, lines)) = current.take() {
                report
                    .messages
                    .insert(name, lines.join("\n").trim().to_string());
            }
            current = Some((name.to_string(), Vec::new()));
            continue;
        }
        if line == "failures:" {
            if let Some((name, lines)) = current.take() {
                report
                    .messages
                    .insert(name, lines.join("\n").trim().to_string());
            }
            continue;
        }
        if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some((name, lines)) = current.take() {
        report
            .messages
            .insert(name, lines.join("\n").trim().to_string());
    }
    report
}

/// Os nomes dos testes de `programa --list` (`nome: test`).
pub fn parse_list(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "\nrunning 3 tests\ntest responde_em_maiusculas ... ok\ntest datagrama_grande ... FAILED\ntest lento ... ignored, demora\n\nfailures:\n\n---- datagrama_grande stdout ----\n\nthread 'datagrama_grande' panicked at tests/exercicio_01.rs:60:5:\nassertion `left == right` failed\n  left: 2048\n right: 60000\n\n\nfailures:\n    datagrama_grande\n\ntest result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.20s\n\n";

    #[test]
    fn le_cada_teste_e_a_linha_final() {
        let report = parse(RUN);
        assert!(report.finished);
        assert_eq!(report.results["responde_em_maiusculas"], Status::Passed);
        assert_eq!(report.results["datagrama_grande"], Status::Failed);
        assert_eq!(report.results["lento"], Status::Ignored);
        assert_eq!(report.results.len(), 3);
        let message = &report.messages["datagrama_grande"];
        assert!(message.starts_with("thread 'datagrama_grande' panicked"));
        assert!(message.ends_with("right: 60000"), "{message:?}");
    }

    #[test]
    fn saida_interrompida_nao_tem_linha_final() {
        // O que sobra quando o código do aluno chama exit(0) no meio.
        let cut = "\nrunning 6 tests\ntest a ... ok\n";
        let report = parse(cut);
        assert!(!report.finished);
        assert_eq!(report.results["a"], Status::Passed);
        assert!(parse("").results.is_empty());
    }

    #[test]
    fn linhas_estranhas_nao_viram_testes() {
        let noise = "test sem resultado\ntest x ... talvez\ntest result\nresult: ok\n";
        let report = parse(noise);
        assert!(report.results.is_empty());
        assert!(!report.finished);
    }

    #[test]
    fn lista_de_testes() {
        let list = "responde_em_maiusculas: test\ncada_cliente: test\n\n2 tests, 0 benchmarks\n";
        assert_eq!(parse_list(list), ["responde_em_maiusculas", "cada_cliente"]);
    }
}
