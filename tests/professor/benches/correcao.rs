//! `cargo bench -p professor --bench correcao`: quanto tempo leva corrigir
//! uma turma.
//!
//! Gera uma turma de mentira com `TURMA` entregas (padrão 40) numa mistura
//! parecida com a de uma turma de verdade — metade completa, um quinto com
//! dois exercícios por fazer, um décimo sem nada feito (o kit), um décimo
//! que não compila no TCP e um décimo com um laço infinito num exercício —,
//! cada entrega com um comentário próprio (para nada ser aproveitado de uma
//! compilação de outro aluno), e roda `professor notas` nela, com
//! `--paralelo PARALELO` (padrão: o número de núcleos). Mostra o tempo
//! total e o de cada entrega.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use professor::{kit, workspace_root};

fn copy_reference(to: &Path) {
    let root = workspace_root();
    for relative in kit::files(&root).expect("arquivos da referência") {
        let target = to.join(&relative);
        fs::create_dir_all(target.parent().expect("pasta")).expect("pasta");
        fs::copy(root.join(&relative), target).expect("cópia");
    }
}

/// Troca o corpo do exercício `n` (entre as marcas) pelo esboço do kit.
fn undo_exercise(root: &Path, n: u32) {
    let open = format!("// EXERCÍCIO {n}: INÍCIO");
    let close = format!("// EXERCÍCIO {n}: FIM");
    for relative in kit::files(root).expect("arquivos") {
        let path = root.join(&relative);
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        if relative.starts_with("tests") || !text.contains(&open) {
            continue;
        }
        let mut out = String::new();
        let mut inside = false;
        for line in text.lines() {
            if line.trim() == close {
                out.push_str(&format!(
                    "todo!(\"Exercício {n}: escreva esta parte (o enunciado está no livro)\")\n"
                ));
                inside = false;
            }
            if !inside {
                out.push_str(line);
                out.push('\n');
            }
            if line.trim() == open {
                inside = true;
            }
        }
        fs::write(&path, out).expect("escrita");
    }
}

/// Um comentário diferente em cada arquivo do aluno: cada entrega compila
/// do zero, como entregas de alunos diferentes.
fn personalize(root: &Path, name: &str) {
    for krate in ["common", "udp-echo", "tcp-echo"] {
        let lib = root.join(krate).join("src/lib.rs");
        let mut text = fs::read_to_string(&lib).expect("lib.rs");
        text.push_str(&format!("\n// entrega de {name}\n"));
        fs::write(&lib, text).expect("lib.rs");
    }
}

fn main() {
    let size: usize = std::env::var("TURMA")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let parallel = std::env::var("PARALELO").ok();
    let root = workspace_root();
    let class = root.join(format!("target/bench-correcao/turma-{size}"));
    let _ = fs::remove_dir_all(&class);
    fs::create_dir_all(&class).expect("pasta da turma");
    let mut kinds = std::collections::BTreeMap::new();
    for i in 0..size {
        let (kind, name) = match i % 10 {
            0..=4 => ("completa", format!("aluno{i:03}-completa")),
            5 | 6 => ("parcial", format!("aluno{i:03}-parcial")),
            7 => ("vazia", format!("aluno{i:03}-vazia")),
            8 => ("nao-compila", format!("aluno{i:03}-nao-compila")),
            _ => ("laco", format!("aluno{i:03}-laco")),
        };
        *kinds.entry(kind).or_insert(0) += 1;
        let dir = class.join(&name);
        match kind {
            "vazia" => {
                kit::make(&root, &dir).expect("kit");
            }
            _ => copy_reference(&dir),
        }
        match kind {
            "parcial" => {
                undo_exercise(&dir, 7);
                undo_exercise(&dir, 8);
            }
            "nao-compila" => {
                let file = dir.join("tcp-echo/src/server.rs");
                let text = fs::read_to_string(&file).expect("server.rs");
                fs::write(
                    &file,
                    text.replacen(
                        "// EXERCÍCIO 3: INÍCIO\n",
                        "// EXERCÍCIO 3: INÍCIO\n    let = ;\n",
                        1,
                    ),
                )
                .expect("server.rs");
            }
            "laco" => {
                let file = dir.join("tcp-echo/src/server.rs");
                let text = fs::read_to_string(&file).expect("server.rs");
                fs::write(
                    &file,
                    text.replacen(
                        "// EXERCÍCIO 5: INÍCIO\n",
                        "// EXERCÍCIO 5: INÍCIO\n    if std::hint::black_box(true) {\n        loop {}\n    }\n",
                        1,
                    ),
                )
                .expect("server.rs");
            }
            _ => {}
        }
        personalize(&dir, &name);
    }
    println!("turma de {size} entregas: {kinds:?}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_professor"));
    command.arg("notas").arg(&class);
    if let Some(parallel) = &parallel {
        command.args(["--paralelo", parallel]);
    }
    let started = Instant::now();
    let status = command.status().expect("professor notas");
    let elapsed = started.elapsed();
    println!(
        "\nRESULTADO turma={size} paralelo={} segundos={:.0} ({:.1} min; {:.1} s por entrega){}",
        parallel.as_deref().unwrap_or("núcleos"),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / 60.0,
        elapsed.as_secs_f64() / size as f64,
        if status.success() {
            ""
        } else {
            " — o notas falhou"
        }
    );
}
