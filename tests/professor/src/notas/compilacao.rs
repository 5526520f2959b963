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

/// Um erro do rustc numa saída do cargo.
struct CompileError<'a> {
    /// A linha `error[E0425]: ...`.
    line: &'a str,
    /// O lugar, da linha `--> udp-echo/src/main.rs:3:5` logo abaixo.
    place: Option<&'a str>,
    /// O resto do bloco deste erro, até o próximo erro ou aviso.
    block: &'a [&'a str],
}

/// Os erros do rustc, na ordem, sem o resumo do cargo
/// (`error: could not compile ...`).
fn compile_errors<'a>(lines: &'a [&'a str]) -> impl Iterator<Item = CompileError<'a>> {
    lines.iter().enumerate().filter_map(|(index, line)| {
        if !line.starts_with("error") || line.starts_with("error: could not compile") {
            return None;
        }
        let rest = &lines[index + 1..];
        let end = rest
            .iter()
            .position(|l| l.starts_with("error") || l.starts_with("warning"))
            .unwrap_or(rest.len());
        Some(CompileError {
            line,
            place: rest.first().and_then(|l| l.trim().strip_prefix("--> ")),
            block: &rest[..end],
        })
    })
}

/// "não compila: " e o primeiro erro do compilador (do programa `krate`, se
/// dado), com o lugar dele.
pub fn compile_error(output: &str, krate: Option<&str>) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let in_krate = |error: &CompileError| match (krate, error.place) {
        (Some(krate), Some(place)) => place.starts_with(&format!("{krate}/")),
        (Some(_), None) => false,
        (None, _) => true,
    };
    let first = compile_errors(&lines).find(in_krate);
    match first {
        Some(CompileError {
            line,
            place: Some(place),
            ..
        }) => format!("não compila: {line} ({place})"),
        Some(CompileError { line, .. }) => format!("não compila: {line}"),
        None => "não compila: erro de compilação".into(),
    }
}

/// Se o programa `krate` não compilou por usar `unsafe` (o lint
/// `unsafe_code`, proibido no workspace): "código `unsafe` não é aceito" e
/// o primeiro lugar, com a mensagem do compilador.
pub(super) fn unsafe_error(output: &str, krate: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().collect();
    // O rustc escreve `unsafe_code`; o cargo, que passa o `forbid` do
    // `Cargo.toml`, `-F unsafe-code`. A nota do rustc que diz o lint vem no
    // bloco do primeiro erro dele em cada programa.
    let lint = |l: &str| l.contains("unsafe_code") || l.contains("unsafe-code");
    compile_errors(&lines)
        .filter(|error| {
            error
                .place
                .is_some_and(|p| p.starts_with(&format!("{krate}/")))
        })
        .find(|error| lint(error.line) || error.block.iter().any(|l| lint(l)))
        .map(|error| {
            let message = error.line.split_once(": ").map_or(error.line, |(_, m)| m);
            let place = error.place.unwrap_or_default();
            format!("código `unsafe` não é aceito ({place}: {message})")
        })
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
        // O `unsafe` de outro programa, num bloco depois, não é deste.
        let other = format!(
            "{plain}  = note: `x` não existe\nerror: usage of an `unsafe` block\n --> udp-echo/src/main.rs:2:1\n  = note: requested on the command line with `-F unsafe-code`\n"
        );
        assert_eq!(unsafe_error(&other, "common"), None);
    }

    #[test]
    fn executaveis_do_cargo() {
        let output = "    Finished `test` profile\n  Executable tests/exercicio_01.rs (/alvo/debug/deps/exercicio_01-0a1b)\n  Executable unittests src/lib.rs (/alvo/debug/deps/avaliacao-ff)\n";
        let found = executables(output);
        assert_eq!(found.len(), 1);
        assert_eq!(found["exercicio_01"], "/alvo/debug/deps/exercicio_01-0a1b");
    }
}
