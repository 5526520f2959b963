//! O relatório do harness de testes do Rust (libtest), lido linha a linha.
//!
//! Por que o relatório e não o código de saída: um programa de teste que
//! chama `std::process::exit(0)` no meio sai com 0 sem ter rodado teste
//! nenhum. Um teste só conta quando o harness escreveu `test NOME ... ok`
//! **e** a linha final `test result:` — que ele só escreve depois de rodar
//! todos. (Formato estável: é o que `cargo test` mostra há anos.)
//!
//! Nenhum outro processo consegue escrever nessa saída (veja
//! [`isolamento`](super::isolamento)); o código do aluno que um teste chama
//! *dentro* do programa de teste consegue, e pode imprimir um relatório
//! inteiro e sair. Isso não dá para impedir; dá para notar: o harness de
//! verdade anuncia quantos testes vai rodar, relata cada um uma vez, fecha
//! com as contagens certas e só relata o que foi pedido. [`Report::suspicion`]
//! confere tudo isso.

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
    /// Cada `running N tests` (o harness de verdade escreve um só).
    pub announced: Vec<usize>,
    /// As contagens da linha final, se ela as tinha.
    pub counts: Option<Counts>,
    /// Os testes relatados mais de uma vez.
    pub repeated: Vec<String>,
}

/// As contagens da linha final:
/// `test result: ok. 7 passed; 0 failed; 1 ignored; 0 measured; 2 filtered out; ...`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// `passed`
    pub passed: usize,
    /// `failed`
    pub failed: usize,
    /// `ignored`
    pub ignored: usize,
    /// `filtered out`
    pub filtered: usize,
}

impl Report {
    /// Por que este relatório não parece do harness de verdade, quando os
    /// testes pedidos eram `requested` (de `total` no programa de teste), ou
    /// `None` se tudo confere. Só vale para um relatório que chegou ao fim.
    pub fn suspicion(&self, requested: &[String], total: usize) -> Option<String> {
        if !self.finished {
            return None;
        }
        let extra: Vec<&str> = self
            .results
            .keys()
            .filter(|name| !requested.contains(name))
            .map(String::as_str)
            .collect();
        if !extra.is_empty() {
            return Some(format!(
                "relatou testes que não foram pedidos ({})",
                extra.join(", ")
            ));
        }
        if let Some(name) = self.repeated.first() {
            return Some(format!("relatou {name} mais de uma vez"));
        }
        match self.announced.as_slice() {
            [count] if *count == requested.len() => {}
            [count] => {
                return Some(format!(
                    "anunciou {count} testes, e eram {}",
                    requested.len()
                ));
            }
            other => {
                return Some(format!(
                    "anunciou {} rodadas de testes, e era uma",
                    other.len()
                ));
            }
        }
        let Some(counts) = self.counts else {
            return Some("a linha final não tem as contagens do harness".into());
        };
        let count = |wanted: Status| self.results.values().filter(|s| **s == wanted).count();
        let listed = Counts {
            passed: count(Status::Passed),
            failed: count(Status::Failed),
            ignored: count(Status::Ignored),
            filtered: total.saturating_sub(requested.len()),
        };
        (counts != listed).then(|| {
            format!(
                "a linha final conta {} ok, {} falhas, {} ignorados e {} filtrados; \
                 os relatados são {} ok, {} falhas, {} ignorados e {} filtrados",
                counts.passed,
                counts.failed,
                counts.ignored,
                counts.filtered,
                listed.passed,
                listed.failed,
                listed.ignored,
                listed.filtered
            )
        })
    }
}

/// `running 7 tests` → 7.
fn announced(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("running ")?;
    let (number, word) = rest.split_once(' ')?;
    matches!(word, "test" | "tests").then_some(())?;
    number.parse().ok()
}

/// As contagens de `ok. 7 passed; 0 failed; 1 ignored; 0 measured; 2 filtered out; finished in 0.2s`.
fn counts(rest: &str) -> Option<Counts> {
    let (_, numbers) = rest.split_once(". ")?;
    let mut counts = Counts::default();
    let mut seen = 0;
    for part in numbers.split("; ") {
        let (number, what) = part.split_once(' ')?;
        let Ok(number) = number.parse::<usize>() else {
            continue;
        };
        let slot = match what {
            "passed" => &mut counts.passed,
            "failed" => &mut counts.failed,
            "ignored" => &mut counts.ignored,
            "filtered out" => &mut counts.filtered,
            _ => continue,
        };
        *slot = number;
        seen += 1;
    }
    (seen == 4).then_some(counts)
}

/// Lê a saída de um programa de teste.
pub fn parse(output: &str) -> Report {
    let mut report = Report::default();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("test ") {
            if let Some(result) = rest.strip_prefix("result: ") {
                report.finished = true;
                report.counts = counts(result);
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
                    let name = name.trim().to_string();
                    if report.results.insert(name.clone(), status).is_some() {
                        report.repeated.push(name);
                    }
                }
                continue;
            }
        }
        if let Some(count) = announced(line) {
            report.announced.push(count);
            continue;
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
    fn relatorio_de_verdade_confere() {
        let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let all = names(&["responde_em_maiusculas", "datagrama_grande", "lento"]);
        let report = parse(RUN);
        assert_eq!(report.announced, [3]);
        assert_eq!(
            report.counts,
            Some(Counts {
                passed: 1,
                failed: 1,
                ignored: 1,
                filtered: 0
            })
        );
        assert_eq!(report.suspicion(&all, 3), None);
        // Um teste sozinho, como a correção roda para conferir.
        let alone = "\nrunning 1 test\ntest lento ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out; finished in 0.00s\n";
        assert_eq!(parse(alone).suspicion(&names(&["lento"]), 3), None);
    }

    #[test]
    fn relatorio_forjado_nao_confere() {
        let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let all = names(&["a", "b"]);
        // O forjado da issue: cada nome com ok e uma linha final sem contas.
        let naive = "test a ... ok\ntest b ... ok\ntest result: ok.\n";
        let why = parse(naive).suspicion(&all, 2).unwrap();
        assert!(why.contains("anunciou 0 rodadas"), "{why}");
        // Um forjado caprichado, mas que não olha o que foi pedido.
        let careful = "running 2 tests\ntest a ... ok\ntest b ... ok\n\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n";
        assert_eq!(parse(careful).suspicion(&all, 2), None);
        let why = parse(careful).suspicion(&names(&["a"]), 2).unwrap();
        assert!(why.contains("não foram pedidos (b)"), "{why}");
        // Escrito por cima do relatório de verdade, que já tinha começado.
        let over = format!("running 2 tests\ntest a ... FAILED\n{careful}");
        let why = parse(&over).suspicion(&all, 2).unwrap();
        assert!(why.contains("a mais de uma vez"), "{why}");
        let wrong = careful.replace("2 passed", "3 passed");
        let why = parse(&wrong).suspicion(&all, 2).unwrap();
        assert!(why.contains("conta 3 ok"), "{why}");
    }

    #[test]
    fn lista_de_testes() {
        let list = "responde_em_maiusculas: test\ncada_cliente: test\n\n2 tests, 0 benchmarks\n";
        assert_eq!(parse_list(list), ["responde_em_maiusculas", "cada_cliente"]);
    }
}
