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
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&root.join("docs/src"), &mut found);
    found.sort();
    found
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
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    walk(&path, found);
                }
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "sh" || e == "py")
            {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    for dir in SOURCE_DIRS {
        walk(&root.join(dir), &mut found);
    }
    found.sort();
    found
}

/// Quanto de uma listagem o livro explica: as linhas de código que aparecem
/// num trecho incluído depois da listagem inteira (uma âncora que não é
/// `whole_file`) ou citadas inteiras entre crases no texto.
#[derive(Debug)]
pub struct Coverage {
    /// A listagem, relativa à raiz do workspace.
    pub listing: String,
    /// Quantas linhas de código ela tem (sem comentários, linhas vazias e
    /// linhas só de `}`, `)` e pontuação).
    pub code_lines: usize,
    /// As linhas de código que nenhum trecho inclui nem o texto cita:
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
    let source = fs::read_to_string(root.join(listing)).unwrap_or_default();
    let lines: Vec<&str> = source.lines().collect();
    let listing_path = normalize(&root.join(listing));
    let mut covered = vec![false; lines.len()];
    let mut quoted = std::collections::HashSet::new();
    for page in pages(root) {
        let Ok(text) = fs::read_to_string(&page) else {
            continue;
        };
        let dir = page.parent().unwrap_or(root);
        for line in text.lines() {
            for target in includes(line) {
                let Some((file, anchor)) = target.split_once(':') else {
                    continue;
                };
                let is_piece = anchor != "whole_file"
                    && !anchor.starts_with(|c: char| c.is_ascii_digit() || c == ':');
                if is_piece && normalize(&dir.join(file)) == listing_path {
                    // Uma âncora que não existe não cobre nada (o erro
                    // dela é da verificação dos includes).
                    for index in anchored(&lines, anchor).unwrap_or_default() {
                        covered[index] = true;
                    }
                }
            }
        }
        for span in inline_code(&text) {
            quoted.insert(normalize_code(span));
        }
    }
    let mut code_lines = 0;
    let mut missing = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if !is_code(line) {
            continue;
        }
        code_lines += 1;
        if !covered[index] && !quoted.contains(&normalize_code(line)) {
            missing.push((index + 1, line.trim().to_string()));
        }
    }
    Coverage {
        listing: listing.to_string(),
        code_lines,
        missing,
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
/// comparar uma linha do arquivo com o que o texto cita entre crases.
fn normalize_code(code: &str) -> String {
    let joined = code.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .trim_end_matches([';', ',', '{', ' '])
        .trim()
        .to_string()
}

/// Os trechos entre crases (`assim`) de um texto, fora dos blocos de código.
fn inline_code(text: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(span), Some(_)) = (parts.next(), parts.next()) {
            spans.push(span);
        }
    }
    spans
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
