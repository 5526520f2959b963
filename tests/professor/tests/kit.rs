//! O kit do aluno: cada exercício marcado tem um arquivo de teste, nada da
//! solução vaza, e o livro do kit não tem include quebrado.

use std::fs;
use std::process::Command;

use professor::{kit, notas, workspace_root};

#[test]
fn kit_tem_um_trecho_por_exercicio_e_nada_da_solucao() {
    let root = workspace_root();
    let class = root.join("target/teste-do-kit/turma");
    let _ = fs::remove_dir_all(class.join("kit"));
    let _ = fs::remove_dir_all(class.join("referencia"));
    fs::create_dir_all(&class).unwrap();

    let report = kit::make(&root, &class.join("kit")).unwrap();
    let exercises = notas::exercises(&root, None).unwrap();
    assert!(exercises.len() >= 8, "pelo menos 8 exercícios");
    let mut marked: Vec<u32> = report.regions.iter().map(|r| r.exercise).collect();
    marked.sort_unstable();
    marked.dedup();
    assert_eq!(
        marked.len(),
        exercises.len(),
        "cada exercício tem um trecho marcado no código e um arquivo de teste"
    );
    let leaks = kit::leaks(&root, &class.join("kit"), &report).unwrap();
    assert!(
        leaks.is_empty(),
        "a solução vazou para o kit:\n{}",
        leaks.join("\n")
    );
    // A página do professor mostra o que `professor kit` responde
    // (docs/saidas/kit.txt, gerado por docs/saidas/gerar.sh): os números
    // têm de ser os de hoje.
    let shown = fs::read_to_string(root.join("docs/saidas/kit.txt")).unwrap();
    let today = format!(
        "Kit escrito em ../kit-turma: {} arquivos, {} trechos tirados (exercícios {marked:?}).",
        report.files,
        report.regions.len()
    );
    assert_eq!(
        shown.lines().next(),
        Some(today.as_str()),
        "docs/saidas/kit.txt está velho: rode `cargo build --workspace && bash \
         docs/saidas/gerar.sh`"
    );
    let book = professor::livro::check_book(&class.join("kit"));
    assert!(
        book.is_empty(),
        "o livro do kit tem includes quebrados:\n{}",
        book.join("\n")
    );
    assert!(!class.join("kit/.git").exists());
    assert!(!class.join("kit/target").exists());
}

#[test]
fn kit_nao_tem_a_pagina_do_professor_e_diz_que_exercicio_libera_cada_comando() {
    let root = workspace_root();
    let kit = root.join("target/teste-do-kit/livro-do-aluno");
    let _ = fs::remove_dir_all(&kit);
    kit::make(&root, &kit).unwrap();
    for instructor in kit::INSTRUCTOR_ONLY {
        assert!(
            !kit.join(instructor).exists(),
            "{instructor} foi para o kit"
        );
    }
    let summary = fs::read_to_string(kit.join("docs/src/SUMMARY.md")).unwrap();
    assert!(!summary.contains("professor.md"), "{summary}");
    assert!(summary.contains("exercicios.md"), "{summary}");
    let running = fs::read_to_string(kit.join("docs/src/introducao-rodando.md")).unwrap();
    assert!(
        running.contains("| `cargo run -p udp-echo -- servidor` | 1 |"),
        "a tabela do README do aluno: {running}"
    );
    let full = fs::read_to_string(root.join("docs/src/introducao-rodando.md")).unwrap();
    assert!(!full.contains("| Para rodar |"), "só no kit");
    // O modelo do GitHub Classroom faz parte do kit.
    assert!(kit.join(".github/workflows/classroom.yml").is_file());
    assert!(kit.join(".github/classroom/autograding.json").is_file());
    let _ = fs::remove_dir_all(&kit);
}

#[test]
fn kit_de_um_clone_com_arquivos_particulares_nao_leva_nenhum() {
    let root = workspace_root();
    let base = root.join("target/teste-do-kit/clone");
    let _ = fs::remove_dir_all(&base);
    fs::create_dir_all(&base).unwrap();
    let clone = base.join("curso");
    let cloned = Command::new("git")
        .args(["clone", "-q"])
        .arg(&root)
        .arg(&clone)
        .status();
    if !cloned.is_ok_and(|s| s.success()) {
        return avaliacao::skip("o workspace não é um repositório git que se possa clonar");
    }
    // O que um professor deixa na pasta do curso: as entregas e as notas da
    // turma, a compilação, uma anotação.
    let private = [
        "ENTREGAS/ana/udp-echo/src/server.rs",
        "ENTREGAS/notas.csv",
        "ENTREGAS/devolutiva/ana.md",
        "notas-da-turma.csv",
        "docs/src/rascunho-da-prova.md",
        "target/debug/lixo",
    ];
    for file in private {
        let path = clone.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "particular\n").unwrap();
    }
    let kit = base.join("kit");
    let report = kit::make(&clone, &kit).unwrap();
    for file in private {
        assert!(!kit.join(file).exists(), "{file} foi para o kit");
    }
    let tracked = kit::tracked(&clone).unwrap();
    assert_eq!(
        report.files,
        tracked.len() + 2,
        "os arquivos do git, mais o workflow e o autograding.json"
    );

    // Sem git, o kit é recusado, com o motivo.
    fs::remove_dir_all(clone.join(".git")).unwrap();
    let err = kit::make(&clone, &base.join("kit2")).unwrap_err();
    assert!(err.contains("git"), "{err}");
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn kit_tem_o_readme_do_aluno_e_nao_tem_os_servidores_de_referencia() {
    let root = workspace_root();
    let kit = root.join("target/teste-do-kit/so-o-kit");
    let _ = fs::remove_dir_all(&kit);
    kit::make(&root, &kit).unwrap();

    // O README é o do aluno: como conferir, o que cada programa precisa, como entregar.
    let readme = fs::read_to_string(kit.join("README.md")).unwrap();
    let student = fs::read_to_string(root.join(kit::STUDENT_README)).unwrap();
    assert_eq!(readme, student, "o README do kit é o modelo do aluno");
    for expected in [
        "cargo test -p avaliacao --test exercicio_01",
        "Rodando os programas à mão",
        "Entregando",
        "target/",
    ] {
        assert!(
            readme.contains(expected),
            "o README do kit não fala de {expected:?}"
        );
    }
    assert!(
        !readme.contains("professor -- notas"),
        "o README do kit não é o do professor"
    );
    assert!(
        !kit.join("tests/kit").exists(),
        "o modelo vira o README, não vai junto"
    );

    // O benchmark com os servidores mínimos (quase as soluções) fica de fora,
    // e o Cargo.toml do kit não aponta para ele.
    assert!(!kit.join("tests/benches/velocidade.rs").exists());
    let manifest = fs::read_to_string(kit.join("tests/Cargo.toml")).unwrap();
    assert!(!manifest.contains("velocidade"), "{manifest}");
    for name in manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|name| *name != "avaliacao")
    {
        assert!(
            kit.join(format!("tests/benches/{name}.rs")).is_file(),
            "o [[bench]] {name} do kit aponta para um arquivo que não existe"
        );
    }

    // Os avisos de "não usado" (o todo!() deixa tudo sem uso) estão desligados.
    let workspace = fs::read_to_string(kit.join("Cargo.toml")).unwrap();
    assert!(
        workspace.contains("unused_variables = \"allow\""),
        "{workspace}"
    );

    // O programa do professor fica de fora, e o workspace do kit não o
    // nomeia: o cargo do aluno acha todos os membros e não compila o crate
    // `professor` (o `cargo metadata` lê o workspace sem compilar nada). O
    // `--locked`: o Cargo.lock do kit é o do workspace do kit, e o `cargo
    // build --locked` da correção o aceita como está.
    assert!(!kit.join("tests/professor").exists());
    assert!(!workspace.contains("tests/professor"), "{workspace}");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let metadata = Command::new(&cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(&kit)
        .output()
        .unwrap();
    let metadata = String::from_utf8_lossy(&metadata.stdout);
    // O `cargo tree` resolve as dependências (sem baixar nada, as desta
    // máquina): com `--locked`, falha se o lock do kit precisaria mudar.
    let tree = Command::new(&cargo)
        .args(["tree", "--locked", "--offline"])
        .current_dir(&kit)
        .output()
        .unwrap();
    assert!(
        tree.status.success(),
        "o Cargo.lock do kit não é o do workspace do kit: {}",
        String::from_utf8_lossy(&tree.stderr)
    );
    assert!(
        metadata.contains("\"name\":\"avaliacao\""),
        "o workspace do kit não abre: {metadata}"
    );
    assert!(
        !metadata.contains("\"name\":\"professor\""),
        "o kit tem o crate do professor"
    );
    let _ = fs::remove_dir_all(&kit);

    // Que o kit compila e zera, e a referência tira nota cheia, o teste da
    // correção (`correcao.rs`) confere junto com a turma hostil.
}
