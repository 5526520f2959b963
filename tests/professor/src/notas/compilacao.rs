//! O que o cargo diz ao compilar uma entrega: os executáveis de teste, os
//! programas que não compilaram e o primeiro erro de cada um, em português.

use std::collections::BTreeMap;

/// Os executáveis de teste que o cargo listou:
/// `Executable tests/exercicio_01.rs (/alvo/debug/deps/exercicio_01-abc)`.
pub fn executables(output: &str) -> BTreeMap<String, String> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("Executable tests/")?;
            let (file, path) = rest.split_once(".rs (")?;
            let path = path.strip_suffix(')')?;
            Some((file.to_string(), path.to_string()))
        })
        .collect()
}

/// Os programas que o cargo não conseguiu compilar:
/// ``error: could not compile `udp-echo` (bin "udp-echo") due to ...``.
pub(super) fn failed_crates(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("error: could not compile `")?;
            rest.split_once('`').map(|(name, _)| name)
        })
        .collect()
}

/// "não compila: " e o primeiro erro do compilador (do programa `krate`, se
/// dado), com o lugar dele.
pub fn compile_error(output: &str, krate: Option<&str>) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let mut first = None;
    for (index, line) in lines.iter().enumerate() {
        if !line.starts_with("error") || line.starts_with("error: could not compile") {
            continue;
        }
        let place = lines
            .get(index + 1)
            .and_then(|l| l.trim().strip_prefix("--> "))
            .map(str::to_string);
        let matches = match (krate, &place) {
            (Some(krate), Some(place)) => place.starts_with(&format!("{krate}/")),
            (Some(_), None) => false,
            (None, _) => true,
        };
        if matches {
            first = Some((line.to_string(), place));
            break;
        }
        if first.is_none() && krate.is_none() {
            first = Some((line.to_string(), place));
        }
    }
    match first {
        Some((error, Some(place))) => format!("não compila: {error} ({place})"),
        Some((error, None)) => format!("não compila: {error}"),
        None => "não compila: erro de compilação".into(),
    }
}

/// Se o programa `krate` não compilou por usar `unsafe` (o lint
/// `unsafe_code`, proibido no workspace): "código `unsafe` não é aceito" e
/// o primeiro lugar, com a mensagem do compilador.
pub(super) fn unsafe_error(output: &str, krate: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        if !line.starts_with("error") || line.starts_with("error: could not compile") {
            continue;
        }
        let place = lines
            .get(index + 1)
            .and_then(|l| l.trim().strip_prefix("--> "))
            .filter(|p| p.starts_with(&format!("{krate}/")));
        let Some(place) = place else {
            continue;
        };
        // O bloco deste erro, até o próximo: a nota do rustc diz o lint
        // (no primeiro erro dele em cada programa, que é o que mostramos).
        let mut block = lines[index + 1..]
            .iter()
            .take_while(|l| !l.starts_with("error") && !l.starts_with("warning"));
        // O rustc escreve `unsafe_code`; o cargo, que passa o `forbid` do
        // `Cargo.toml`, `-F unsafe-code`.
        let lint = |l: &str| l.contains("unsafe_code") || l.contains("unsafe-code");
        if lint(line) || block.any(|l| lint(l)) {
            let message = line.split_once(": ").map_or(*line, |(_, m)| m);
            return Some(format!("código `unsafe` não é aceito ({place}: {message})"));
        }
    }
    None
}

/// Os erros do compilador numa saída do cargo, inteiros (cada bloco do
/// rustc que começa com `error`), até 200 linhas.
pub fn diagnostics(output: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut inside = false;
    for line in output.lines() {
        if line.starts_with("error") {
            inside = !line.starts_with("error: could not compile");
        } else if line.starts_with("warning") || line.trim_start().starts_with("Compiling ") {
            inside = false;
        }
        if inside {
            kept.push(line);
        }
    }
    kept.truncate(200);
    kept.join("\n").trim_end().to_string()
}

/// As últimas `n` linhas de um texto.
pub(super) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erro_de_compilacao_com_o_lugar() {
        let output = "   Compiling udp-echo v0.1.0\nerror: expected `;`, found `erro`\n  --> udp-echo/src/server.rs:58:46\n   |\nerror[E0425]: cannot find value `x`\n  --> tcp-echo/src/server.rs:3:1\nerror: could not compile `udp-echo` (bin \"udp-echo\") due to 1 previous error\nerror: could not compile `tcp-echo` (lib) due to 1 previous error\n";
        assert_eq!(
            compile_error(output, None),
            "não compila: error: expected `;`, found `erro` (udp-echo/src/server.rs:58:46)"
        );
        assert_eq!(
            compile_error(output, Some("tcp-echo")),
            "não compila: error[E0425]: cannot find value `x` (tcp-echo/src/server.rs:3:1)"
        );
        assert_eq!(failed_crates(output), ["udp-echo", "tcp-echo"]);
        let log = diagnostics(output);
        assert!(log.starts_with("error: expected `;`"), "{log}");
        assert!(log.contains("tcp-echo/src/server.rs:3:1"), "{log}");
        assert!(
            !log.contains("Compiling") && !log.contains("could not compile"),
            "{log}"
        );
        assert_eq!(compile_error("", None), "não compila: erro de compilação");
    }

    #[test]
    fn unsafe_e_um_erro_de_compilacao() {
        let output = "error: declaration of a static with `link_section`\n --> common/src/lib.rs:8:1\n  |\n  = note: requested on the command line with `-F unsafe-code`\n\nerror: usage of an `unsafe` block\n --> common/src/lib.rs:14:14\nerror: could not compile `common` (lib) due to 2 previous errors\n";
        assert_eq!(
            unsafe_error(output, "common").as_deref(),
            Some(
                "código `unsafe` não é aceito (common/src/lib.rs:8:1: \
                 declaration of a static with `link_section`)"
            )
        );
        assert_eq!(unsafe_error(output, "udp-echo"), None);
        let plain = "error[E0425]: cannot find value `x`\n --> common/src/lib.rs:3:1\n";
        assert_eq!(
            unsafe_error(plain, "common"),
            None,
            "um erro comum não é `unsafe`"
        );
    }

    #[test]
    fn executaveis_do_cargo() {
        let output = "    Finished `test` profile\n  Executable tests/exercicio_01.rs (/alvo/debug/deps/exercicio_01-0a1b)\n  Executable unittests src/lib.rs (/alvo/debug/deps/avaliacao-ff)\n";
        let found = executables(output);
        assert_eq!(found.len(), 1);
        assert_eq!(found["exercicio_01"], "/alvo/debug/deps/exercicio_01-0a1b");
    }
}
