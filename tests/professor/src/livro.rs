//! A verificação do livro (`docs/`): cada listagem é um
//! `{{#include arquivo:âncora}}` que aponta para um arquivo e uma âncora que
//! existem e não estão vazios. O mdBook, diante de uma âncora com erro de
//! digitação, insere um bloco vazio sem aviso nenhum; esta verificação é o
//! aviso. Ela também recusa código Rust colado no texto.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Um bloco de código Rust com mais linhas que isso tem de vir de um include.
pub const MAX_PASTED_RUST_LINES: usize = 3;

/// Os problemas de uma página do livro, um por linha de texto.
pub fn check_page(page: &Path, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let dir = page.parent().unwrap_or(Path::new("."));
    let mut rust_block: Option<(usize, usize, bool)> = None; // (linha, linhas, tem include)
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let where_ = format!("{}:{number}", page.display());
        for include in includes(line) {
            if let Err(problem) = check_include(dir, include) {
                problems.push(format!("{where_}: {problem}"));
            }
        }
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match rust_block.take() {
                Some((start, lines, false)) if lines > MAX_PASTED_RUST_LINES => {
                    problems.push(format!(
                        "{}:{start}: bloco Rust de {lines} linhas colado no texto; \
                         use {{{{#include arquivo:âncora}}}}",
                        page.display()
                    ));
                }
                Some(_) => {}
                None if info.split(',').next().map(str::trim) == Some("rust") => {
                    rust_block = Some((number, 0, false));
                }
                None if !info.trim().is_empty() || trimmed == "```" => {
                    // Outro bloco (texto, python...): pula até o fim dele.
                    rust_block = Some((number, 0, true));
                }
                None => {}
            }
        } else if let Some((_, lines, has_include)) = rust_block.as_mut() {
            *lines += 1;
            *has_include |= line.contains("{{#include") || line.contains("{{#rustdoc_include");
        }
    }
    problems
}

/// Os alvos (`arquivo:âncora`) dos includes de uma linha.
fn includes(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let directive = after[..end].trim();
        for name in ["include ", "rustdoc_include "] {
            if let Some(target) = directive.strip_prefix(name) {
                found.push(target.trim());
            }
        }
        rest = &after[end..];
    }
    found
}

/// Confere um `arquivo[:âncora | :início:fim]` relativo à pasta da página.
fn check_include(dir: &Path, target: &str) -> Result<(), String> {
    let (file, selector) = match target.split_once(':') {
        Some((file, selector)) => (file, Some(selector)),
        None => (target, None),
    };
    let path: PathBuf = dir.join(file);
    let source =
        fs::read_to_string(&path).map_err(|_| format!("arquivo incluído não existe: {file}"))?;
    let lines: Vec<&str> = source.lines().collect();
    let selected: Vec<&str> = match selector {
        None | Some("") => lines,
        Some(range)
            if range
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == ':') =>
        {
            let mut parts = range.splitn(2, ':');
            let start = parts
                .next()
                .and_then(|s| s.parse::<usize>().ok())
                .unwrap_or(1);
            let end = parts
                .next()
                .and_then(|s| s.parse::<usize>().ok())
                .unwrap_or(lines.len());
            lines
                .get(start.saturating_sub(1)..end.min(lines.len()))
                .unwrap_or_default()
                .to_vec()
        }
        Some(anchor) => {
            let range = anchored(&lines, anchor)
                .ok_or_else(|| format!("âncora '{anchor}' não existe em {file}"))?;
            lines[range].to_vec()
        }
    };
    let has_code = selected
        .iter()
        .any(|l| !l.trim().is_empty() && !is_anchor_line(l));
    if has_code {
        Ok(())
    } else {
        Err(format!("o include {target} não traz nenhuma linha"))
    }
}

/// Os índices das linhas entre `ANCHOR: name` e `ANCHOR_END: name`, se as
/// duas existem.
fn anchored(lines: &[&str], anchor: &str) -> Option<Range<usize>> {
    let is = |line: &str, tag: &str| {
        line.split_once(tag)
            .is_some_and(|(_, name)| name.trim() == anchor)
    };
    let start = lines.iter().position(|l| is(l, "ANCHOR:"))?;
    let len = lines[start + 1..]
        .iter()
        .position(|l| is(l, "ANCHOR_END:"))?;
    Some(start + 1..start + 1 + len)
}

fn is_anchor_line(line: &str) -> bool {
    line.contains("ANCHOR:") || line.contains("ANCHOR_END:")
}

/// As páginas (`.md`) de `docs/src` dentro de `root`.
pub fn pages(root: &Path) -> Vec<PathBuf> {
    files_under(&root.join("docs/src"), &["md"])
}

/// Os arquivos com uma destas extensões abaixo de `top`, sem os `target/`,
/// em ordem. Uma pasta que não existe (um workspace pequeno de teste) não
/// tem nenhum.
fn files_under(top: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    crate::pastas::walk(top, &|dir| !dir.ends_with("target"))
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| {
            entry.kind.is_file()
                && entry
                    .relative
                    .extension()
                    .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .map(|entry| top.join(entry.relative))
        .collect()
}

/// Todos os problemas dos includes do livro do workspace em `root`. (As
/// âncoras sem uso são à parte, [`unused_anchors`]: no kit do aluno, as
/// páginas perdem as soluções, e as âncoras delas ficam sem uso de propósito.)
pub fn check_book(root: &Path) -> Vec<String> {
    pages(root)
        .iter()
        .flat_map(|page| match fs::read_to_string(page) {
            Ok(text) => check_page(page, &text),
            Err(err) => vec![format!("{}: {err}", page.display())],
        })
        .collect()
}

/// As pastas do workspace onde há código que o livro inclui.
const SOURCE_DIRS: [&str; 4] = ["common", "udp-echo", "tcp-echo", "tests"];

/// As âncoras (`// ANCHOR: nome`, ou `# ANCHOR: nome` num script) que
/// nenhuma página inclui: uma marca que ninguém usa só atrapalha a leitura
/// do código, e costuma ser o resto de um texto que mudou.
pub fn unused_anchors(root: &Path) -> Vec<String> {
    let mut included = std::collections::HashSet::new();
    for page in pages(root) {
        let text = fs::read_to_string(&page).unwrap_or_default();
        let dir = page.parent().unwrap_or(root);
        for target in text.lines().flat_map(includes) {
            if let Some((file, anchor)) = target.split_once(':') {
                included.insert((normalize(&dir.join(file)), anchor.to_string()));
            }
        }
    }
    let mut unused = Vec::new();
    for file in source_files(root) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (index, line) in text.lines().enumerate() {
            let Some(anchor) = anchor_name(line) else {
                continue;
            };
            if !included.contains(&(normalize(&file), anchor.to_string())) {
                let shown = file.strip_prefix(root).unwrap_or(&file);
                unused.push(format!(
                    "{}:{}: a âncora '{anchor}' não é incluída por nenhuma página; \
                     tire a marca ou inclua o trecho",
                    shown.display(),
                    index + 1
                ));
            }
        }
    }
    unused
}

/// O nome de uma linha `// ANCHOR: nome` (ou `# ANCHOR: nome`).
fn anchor_name(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let comment = trimmed
        .strip_prefix("//")
        .or_else(|| trimmed.strip_prefix('#'))?;
    comment.trim_start().strip_prefix("ANCHOR:").map(str::trim)
}

/// Os arquivos de código (`.rs`, `.sh`, `.py`) das [`SOURCE_DIRS`], sem os
/// `target/`.
fn source_files(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = SOURCE_DIRS
        .iter()
        .flat_map(|dir| files_under(&root.join(dir), &["rs", "sh", "py"]))
        .collect();
    found.sort();
    found
}

/// Quanto de uma listagem o livro explica.
///
/// Uma linha de código conta como explicada quando o livro a mostra num
/// trecho (`{{#include arquivo:âncora}}`, com uma âncora que não é a do
/// arquivo inteiro) seguido de texto: pelo menos uma frase antes do próximo
/// bloco de código. Citar a linha entre crases no meio de uma frase não
/// conta: isso é transcrever, não explicar.
#[derive(Debug)]
pub struct Coverage {
    /// A listagem, relativa à raiz do workspace.
    pub listing: String,
    /// Quantas linhas de código ela tem (sem comentários, linhas vazias e
    /// linhas só de `}`, `)` e pontuação).
    pub code_lines: usize,
    /// As linhas de código que nenhum trecho explicado mostra:
    /// (número da linha, texto).
    pub missing: Vec<(usize, String)>,
}

impl Coverage {
    /// A parte explicada, de 0 a 100.
    pub fn percent(&self) -> f64 {
        if self.code_lines == 0 {
            return 100.0;
        }
        let explained = self.code_lines - self.missing.len();
        100.0 * explained as f64 / self.code_lines as f64
    }
}

/// Mede [`Coverage`] de `listing` (por exemplo `udp-echo/src/server.rs`) nas
/// páginas do livro do workspace em `root`.
pub fn coverage(root: &Path, listing: &str) -> Coverage {
    steps_coverage(root, &[listing])
        .pop()
        .expect("uma listagem, uma medida")
}

/// Mede [`Coverage`] de cada passo de um caminho (`steps`, do primeiro ao
/// último): uma linha igual a uma linha já explicada num passo anterior
/// conta como explicada, porque o livro mostra de cada passo só o que muda.
pub fn steps_coverage(root: &Path, steps: &[&str]) -> Vec<Coverage> {
    let mut explained_before = std::collections::HashSet::new();
    let mut measured = Vec::new();
    for listing in steps {
        let source = fs::read_to_string(root.join(listing)).unwrap_or_default();
        let lines: Vec<&str> = source.lines().collect();
        let covered = shown_with_prose(root, listing, &lines);
        let mut code_lines = 0;
        let mut missing = Vec::new();
        let mut explained_here = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            if !is_code(line) {
                continue;
            }
            code_lines += 1;
            let normalized = normalize_code(line);
            if covered[index] {
                explained_here.push(normalized);
            } else if !explained_before.contains(&normalized) {
                missing.push((index + 1, line.trim().to_string()));
            }
        }
        explained_before.extend(explained_here);
        measured.push(Coverage {
            listing: listing.to_string(),
            code_lines,
            missing,
        });
    }
    measured
}

/// Quais linhas de `listing` algum trecho do livro mostra seguido de texto.
fn shown_with_prose(root: &Path, listing: &str, lines: &[&str]) -> Vec<bool> {
    let listing_path = normalize(&root.join(listing));
    let mut covered = vec![false; lines.len()];
    for page in pages(root) {
        let Ok(text) = fs::read_to_string(&page) else {
            continue;
        };
        let dir = page.parent().unwrap_or(root);
        let page_lines: Vec<&str> = text.lines().collect();
        for (at, line) in page_lines.iter().enumerate() {
            for target in includes(line) {
                let Some((file, anchor)) = target.split_once(':') else {
                    continue;
                };
                let is_piece = anchor != "whole_file"
                    && !anchor.starts_with(|c: char| c.is_ascii_digit() || c == ':');
                if is_piece
                    && normalize(&dir.join(file)) == listing_path
                    && prose_follows(&page_lines[at + 1..])
                {
                    // Uma âncora que não existe não cobre nada (o erro
                    // dela é da verificação dos includes).
                    for index in anchored(lines, anchor).unwrap_or_default() {
                        covered[index] = true;
                    }
                }
            }
        }
    }
    covered
}

/// Depois do fim do bloco de código que contém o include, vem uma frase
/// (texto com pelo menos oito palavras) antes do próximo bloco de código?
fn prose_follows(after_include: &[&str]) -> bool {
    let mut lines = after_include.iter();
    // O resto do bloco do include, até a cerca que o fecha.
    for line in lines.by_ref() {
        if line.trim_start().starts_with("```") {
            break;
        }
    }
    let mut words = 0;
    for line in lines {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            break;
        }
        if trimmed.starts_with("<!--") || trimmed.starts_with('#') {
            continue;
        }
        words += trimmed.split_whitespace().count();
        if words >= 8 {
            return true;
        }
    }
    false
}

/// As citações de código que são uma linha inteira transcrita com a
/// pontuação dela (o `;`, a `,` ou a `{` do fim, ou chaves desbalanceadas):
/// `let x = f(y);` no meio de uma frase é uma transcrição, não uma
/// explicação. Devolve (número da primeira linha do parágrafo, citação).
pub fn transcribed_lines(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_block = false;
    // Um parágrafo de cada vez: uma citação pode quebrar a linha.
    let mut paragraph = String::new();
    let mut first_line = 0;
    for (index, line) in text.lines().chain([""]).enumerate() {
        let fence = line.trim_start().starts_with("```");
        if fence || in_block || line.trim().is_empty() {
            check_quotes(&paragraph, first_line, &mut found);
            paragraph.clear();
            if fence {
                in_block = !in_block;
            }
            continue;
        }
        if paragraph.is_empty() {
            first_line = index + 1;
        }
        paragraph.push_str(line);
        paragraph.push(' ');
    }
    found
}

fn check_quotes(paragraph: &str, line: usize, found: &mut Vec<(usize, String)>) {
    let mut parts = paragraph.split('`');
    parts.next();
    while let (Some(span), Some(_)) = (parts.next(), parts.next()) {
        let trimmed = span.trim();
        let opens = trimmed.matches(['{', '(', '[']).count();
        let closes = trimmed.matches(['}', ')', ']']).count();
        let is_statement = trimmed.contains(' ')
            && (trimmed.ends_with(';') || trimmed.ends_with(',') || trimmed.ends_with('{'));
        if is_statement || (opens != closes && trimmed.len() > 3) {
            found.push((line, trimmed.to_string()));
        }
    }
}

/// Uma linha que precisa de explicação: não vazia, não comentário (nem as
/// marcas `ANCHOR`), não só fecha-chaves e pontuação.
fn is_code(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty()
        && !trimmed.starts_with("//")
        && !trimmed
            .chars()
            .all(|c| "{}()[];,".contains(c) || c.is_whitespace())
}

/// O código sem espaços repetidos e sem o `;`, `,` ou `{` do fim, para
/// comparar uma linha de um passo com a mesma linha num passo anterior.
fn normalize_code(code: &str) -> String {
    let joined = code.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .trim_end_matches([';', ',', '{', ' '])
        .trim()
        .to_string()
}

/// Um caminho sem `..` e `.`, para comparar o alvo de um include com a listagem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
