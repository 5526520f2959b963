//! A correção de uma turma hostil, de ponta a ponta: cada trapaça conhecida
//! (inclusive forjar o relatório dos testes de três jeitos), um processo que
//! fica rodando (também com `setsid`), um laço infinito, uma porta fixa,
//! testes trocados, um programa que não compila, `unsafe` escondido, uma
//! bomba de processos, uma de memória e uma que enche o disco. Confere a
//! nota justa de cada um, que nada foi escrito fora da pasta de trabalho,
//! que nenhum processo sobrou e que a correção terminou num tempo limitado.
//!
//! As bombas só rodam dentro de um cgroup que o próprio teste cria (com
//! root, como na CI): assim, mesmo que a correção falhasse em contê-las, a
//! máquina continua de pé. Sem cgroup, o teste avisa e roda sem elas (na
//! CI, falha).
//!
//! Precisa do bubblewrap (`bwrap`): a `.ci/run` o instala. Sem ele o teste
//! avisa e não roda (na CI, falha).

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use professor::notas::limites::{self, Limiter};
use professor::{kit, notas, workspace_root};

/// A memória de cada caixa neste teste (MiB): a bomba de memória bate nela
/// sem pesar na máquina da CI.
const MEMORY_MIB: u64 = 1024;

/// Os três jeitos de forjar o relatório dos testes, em Rust seguro, postos
/// no `common` da entrega (que os dois programas e os testes usam).
const FORGERS: &str = r##"
/// Os nomes dos testes de todos os programas de teste (`--list`).
pub fn nomes_dos_testes(programa: &std::path::Path) -> Vec<String> {
    let Ok(lista) = std::process::Command::new(programa).arg("--list").output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&lista.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(String::from)
        .collect()
}

/// Um relatório "perfeito": cada nome com ok e as contas certas.
pub fn relatorio_falso(nomes: &[String], anuncio: bool) -> String {
    let mut texto = String::new();
    if anuncio {
        texto.push_str(&format!("
running {} tests
", nomes.len()));
    }
    for nome in nomes {
        texto.push_str(&format!("test {nome} ... ok
"));
    }
    texto.push_str(&format!(
        "
test result: ok. {} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

",
        nomes.len()
    ));
    texto
}

fn programas_de_teste() -> Vec<std::path::PathBuf> {
    let Ok(pasta) = std::env::var("AVALIACAO_BINARIOS") else {
        return Vec::new();
    };
    let Ok(itens) = std::fs::read_dir(format!("{pasta}/deps")) else {
        return Vec::new();
    };
    itens
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let nome = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
            nome.starts_with("exercicio_") && !nome.contains('.')
        })
        .collect()
}

/// Truque 1: troca cada programa de teste por um script que diz "ok".
pub fn forja_binarios() {
    use std::os::unix::fs::PermissionsExt;
    for programa in programas_de_teste() {
        let mut script = String::from("#!/bin/sh
cat <<'FIM'
");
        script.push_str(&relatorio_falso(&nomes_dos_testes(&programa), true));
        script.push_str("FIM
");
        let _ = std::fs::rename(&programa, programa.with_extension("orig"));
        if std::fs::write(&programa, script).is_ok() {
            let _ = std::fs::set_permissions(&programa, std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// Truque 2: escreve o relatório na saída do harness pelo /proc e o mata.
pub fn forja_proc() {
    let mut nomes = Vec::new();
    for programa in programas_de_teste() {
        nomes.extend(nomes_dos_testes(&programa));
    }
    for pid in [std::os::unix::process::parent_id(), 1] {
        let mut daqui = nomes_dos_testes(std::path::Path::new(&format!("/proc/{pid}/exe")));
        if daqui.is_empty() {
            daqui = nomes.clone();
        }
        let relatorio = relatorio_falso(&daqui, true);
        if std::fs::write(format!("/proc/{pid}/fd/1"), relatorio).is_ok() {
            let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    }
}

/// Truque 3: chamado por um teste, dentro do programa de teste: escreve o
/// relatório na própria saída e sai. (Não dá para impedir; a correção nota.)
pub fn forja_em_processo() -> ! {
    use std::io::Write;
    let programa = std::env::current_exe().unwrap_or_default();
    let relatorio = relatorio_falso(&nomes_dos_testes(&programa), false);
    let mut saida = std::io::stdout();
    let _ = saida.write_all(relatorio.as_bytes());
    let _ = saida.flush();
    std::process::exit(0)
}
"##;

/// Uma marca única desta execução, para achar o que a turma hostil deixou.
fn nonce() -> String {
    format!("{}", std::process::id())
}

fn copy_reference(to: &Path) {
    let root = workspace_root();
    for relative in kit::files(&root).unwrap() {
        let target = to.join(&relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(root.join(&relative), target).unwrap();
    }
}

/// Troca `from` por `to` em `file`; o texto tem de estar lá (se o código
/// mudar, este teste avisa em vez de testar outra coisa).
fn edit(file: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(file).unwrap();
    assert!(
        text.contains(from),
        "{}: não achei {from:?}",
        file.display()
    );
    fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// O arquivo que tem o trecho do exercício `n` (em `src/`: os passos do
/// livro, em `examples/`, repetem as marcas, mas não são do aluno).
fn exercise_file(root: &Path, n: u32) -> PathBuf {
    let marker = format!("// EXERCÍCIO {n}: INÍCIO");
    for relative in kit::files(root).unwrap() {
        let path = root.join(&relative);
        if relative.extension().is_some_and(|e| e == "rs")
            && professor::notas::selecao::is_student_file(&relative)
            && fs::read_to_string(&path).unwrap().contains(&marker)
        {
            return path;
        }
    }
    panic!("exercício {n} não encontrado em {}", root.display());
}

/// Põe `code` no começo do trecho do exercício `n`.
fn inject(root: &Path, n: u32, code: &str) {
    let marker = format!("// EXERCÍCIO {n}: INÍCIO\n");
    edit(
        &exercise_file(root, n),
        &marker,
        &format!("{marker}{code}\n"),
    );
}

/// Troca o esboço (`todo!`) do exercício `n` do kit por `code`.
fn replace_stub(root: &Path, n: u32, code: &str) {
    let stub = format!("todo!(\"Exercício {n}: escreva esta parte (o enunciado está no livro)\")");
    edit(&exercise_file(root, n), &stub, code);
}

/// Os processos vivos cuja linha de comando contém `text`.
fn processes_with(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.chars().all(|c| c.is_ascii_digit()) || name == std::process::id().to_string() {
            continue;
        }
        if let Ok(cmdline) = fs::read(entry.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(text) {
                found.push(format!("{name}: {cmdline}"));
            }
        }
    }
    found
}

/// Põe a pasta `dir` (o conteúdo dela) em `zip`, e apaga a pasta.
fn zip(dir: &Path, zip: &Path) {
    let status = Command::new("python3")
        .args(["-m", "zipfile", "-c"])
        .arg(zip)
        .arg(dir)
        .status()
        .expect("python3 (para criar o .zip do teste)");
    assert!(status.success());
    fs::remove_dir_all(dir).unwrap();
}

/// Põe `code` no começo do `main` do programa `krate`.
fn at_start_of_main(root: &Path, krate: &str, code: &str) {
    edit(
        &root.join(krate).join("src/main.rs"),
        "fn main() -> ExitCode {\n",
        &format!("fn main() -> ExitCode {{\n{code}\n"),
    );
}

/// Um cgroup deste teste para a correção inteira rodar dentro (com root):
/// se as caixas da correção falhassem em conter uma bomba, este teto ainda
/// seguraria a máquina.
fn outer_cgroup() -> Option<Limiter> {
    let limiter = Limiter::detect();
    matches!(limiter, Limiter::CgroupV1 { .. } | Limiter::CgroupV2(_)).then_some(limiter)
}

fn bwrap_available() -> bool {
    Command::new("bwrap")
        .args(["--ro-bind", "/", "/", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
#[ignore = "pesado (uns 3 min em 2 núcleos): roda na .ci/run, ou com -- --ignored"]
fn turma_hostil_recebe_notas_justas_sem_fuga_e_sem_travar() {
    if !bwrap_available() {
        return avaliacao::skip("sem o bubblewrap (bwrap) nesta máquina (a .ci/run o instala)");
    }
    let root = workspace_root();
    let base = root.join("target/teste-da-correcao");
    let class = base.join("turma");
    let _ = fs::remove_dir_all(&base);
    fs::create_dir_all(&class).unwrap();
    let mark = nonce();
    let sleep_mark = format!("600.{mark}");
    let outside = base.join(format!("fora-{mark}"));
    fs::create_dir_all(&outside).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();

    // 1. A solução do professor: nota cheia.
    copy_reference(&class.join("referencia"));
    // 2. O kit sem nada feito: zero.
    kit::make(&root, &class.join("kit")).unwrap();

    // 3. Arquivos que mudam como a correção roda: todos ignorados.
    let files = class.join("arquivos");
    kit::make(&root, &files).unwrap();
    fs::create_dir_all(files.join(".cargo")).unwrap();
    fs::write(
        files.join(".cargo/config.toml"),
        "[target.'cfg(all())']\nrunner = \"true\"\n",
    )
    .unwrap();
    fs::write(
        files.join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"1.0.0\"\n",
    )
    .unwrap();
    fs::write(
        files.join("udp-echo/build.rs"),
        format!(
            "fn main() {{ let _ = std::fs::write(\"{}/build-rs\", \"x\"); }}\n",
            outside.display()
        ),
    )
    .unwrap();
    for test in fs::read_dir(files.join("tests/tests")).unwrap().flatten() {
        if test.file_name().to_string_lossy().starts_with("exercicio_") {
            fs::write(test.path(), "#[test]\nfn responde_em_maiusculas() {}\n").unwrap();
        }
    }

    // 4. `exit(0)` no corpo de quatro exercícios: o programa de teste sai
    // com 0 sem ter rodado os testes.
    let exits = class.join("saida_zero");
    kit::make(&root, &exits).unwrap();
    for n in [3, 4, 5, 6] {
        replace_stub(&exits, n, "std::process::exit(0)");
    }

    // 5. Um gancho escondido que roda antes do main e sai com 0.
    let hook = class.join("gancho");
    kit::make(&root, &hook).unwrap();
    let lib = hook.join("common/src/lib.rs");
    let mut text = fs::read_to_string(&lib).unwrap();
    text.push_str(
        "\n#[used]\n#[unsafe(link_section = \".init_array\")]\nstatic GANCHO: extern \"C\" fn() = {\n    extern \"C\" fn sai() {\n        std::process::exit(0)\n    }\n    sai\n};\n",
    );
    fs::write(&lib, text).unwrap();

    // 6. A solução certa, mas que tenta escapar: escreve fora, lê a
    // solução do professor, fala com a máquina, deixa processos.
    let hostile = class.join("hostil");
    copy_reference(&hostile);
    let escape = format!(
        r#"    {{
        let _ = std::fs::write("{outside}/direto", "x");
        let _ = std::fs::write("/tmp/avaliacao-fuga-{mark}", "x");
        if let Ok(home) = std::env::var("HOME") {{
            let _ = std::fs::write(format!("{{home}}/avaliacao-fuga-{mark}"), "x");
        }}
        for place in ["{reference}/udp-echo/src/server.rs", "/proc/1/cwd/../../udp-echo/src/server.rs"] {{
            if let Ok(text) = std::fs::read_to_string(place) {{
                let _ = std::fs::write("{outside}/vazou", text);
            }}
        }}
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", {port})) {{
            let _ = std::io::Write::write_all(&mut stream, b"fuga");
        }}
        let _ = std::process::Command::new("sleep").arg("{sleep_mark}").spawn();
        let _ = std::process::Command::new("setsid").args(["sleep", "{sleep_mark}"]).spawn();
    }}"#,
        outside = outside.display(),
        reference = root.display(),
    );
    inject(&hostile, 1, &escape);

    // 7. Um laço infinito no exercício 5: custa o exercício 5, só ele.
    let looping = class.join("laco");
    copy_reference(&looping);
    inject(
        &looping,
        5,
        "    if std::hint::black_box(true) {\n        loop {}\n    }",
    );

    // 8. Um erro de compilação no udp-echo: os exercícios do TCP e da
    // biblioteca continuam valendo.
    let broken = class.join("nao_compila");
    copy_reference(&broken);
    inject(&broken, 1, "    let = ;");

    // 9. Porta fixa (12000) no servidor UDP: com uma rede por caixa, não
    // atrapalha as outras entregas corrigidas ao mesmo tempo.
    let fixed = class.join("porta_fixa");
    copy_reference(&fixed);
    edit(
        &fixed.join("udp-echo/src/server.rs"),
        "resolve_one(&config.address, config.port)",
        "resolve_one(&config.address, 12000)",
    );

    // 10-12. Os três jeitos de forjar o relatório, num kit sem nada feito:
    // trocar os programas de teste (a pasta de compilação é só leitura nos
    // testes), escrever na saída do harness pelo /proc (o harness é "não
    // inspecionável") e, dentro do programa de teste, imprimir um relatório
    // e sair (notado ao conferir: "revisar à mão").
    for (name, call) in [
        ("troca_binario", "common::forja_binarios();"),
        ("proc_fd", "common::forja_proc();"),
    ] {
        let forger = class.join(name);
        kit::make(&root, &forger).unwrap();
        let lib = forger.join("common/src/lib.rs");
        let mut text = fs::read_to_string(&lib).unwrap();
        text.push_str(FORGERS);
        fs::write(&lib, text).unwrap();
        at_start_of_main(&forger, "udp-echo", &format!("    {call}"));
        at_start_of_main(&forger, "tcp-echo", &format!("    {call}"));
        for n in [1, 3] {
            replace_stub(&forger, n, &format!("{{ {call} unimplemented!() }}"));
        }
    }
    let inside = class.join("em_processo");
    kit::make(&root, &inside).unwrap();
    let lib = inside.join("common/src/lib.rs");
    let mut text = fs::read_to_string(&lib).unwrap();
    text.push_str(FORGERS);
    fs::write(&lib, text).unwrap();
    replace_stub(&inside, 4, "crate::forja_em_processo()");

    // 13. Uma solução honesta com a palavra "unsafe" num texto: nota cheia.
    let word = class.join("honesto_unsafe");
    copy_reference(&word);
    inject(
        &word,
        1,
        "    let _ = std::hint::black_box(\"unsafe { nada disto é código }\");",
    );

    // 14-16. As bombas (só dentro do cgroup deste teste): processos sem
    // fim, memória sem fim e um disco cheio, no começo do `main` do UDP.
    let outer = outer_cgroup();
    let bombs = outer.is_some();
    if bombs {
        let fork = class.join("bomba_processos");
        copy_reference(&fork);
        at_start_of_main(
            &fork,
            "udp-echo",
            "    let _ = std::process::Command::new(\"sh\").arg(\"-c\").arg(\"b(){ b|b & }; b\").spawn();",
        );
        let memory = class.join("bomba_memoria");
        copy_reference(&memory);
        at_start_of_main(
            &memory,
            "udp-echo",
            "    let mut v: Vec<Vec<u8>> = Vec::new();\n    loop { v.push(vec![1u8; 8 << 20]); }",
        );
        let disk = class.join("enche_disco");
        copy_reference(&disk);
        at_start_of_main(
            &disk,
            "udp-echo",
            &format!(
                r#"    for place in ["/tmp", "/dev/shm", "/", ".", "/entrega", "/alvo", "/alvo/debug"] {{
        let path = format!("{{place}}/enchendo-{mark}-{{}}", std::process::id());
        if let Ok(mut file) = std::fs::File::create(&path) {{
            let chunk = vec![7u8; 1 << 20];
            for _ in 0..300 {{
                if std::io::Write::write_all(&mut file, &chunk).is_err() {{
                    break;
                }}
            }}
        }}
    }}"#
            ),
        );
    } else {
        avaliacao::skip("as bombas: sem um cgroup que este teste possa criar (precisa de root)");
    }

    // Como as entregas chegam: a referência num .zip, o laço do jeito que o
    // Moodle baixa (uma pasta por aluno com o .zip dentro), a hostil uma
    // pasta abaixo, e um arquivo solto que não é entrega.
    zip(&class.join("referencia"), &class.join("referencia.zip"));
    let moodle = class.join("laco_4242_assignsubmission_file_");
    fs::create_dir_all(&moodle).unwrap();
    zip(&class.join("laco"), &moodle.join("minha-entrega.zip"));
    let nested = class.join("hostil-pasta");
    fs::create_dir_all(&nested).unwrap();
    fs::rename(&hostile, nested.join("kit-turma")).unwrap();
    fs::rename(&nested, &hostile).unwrap();
    fs::write(class.join("leia-me.txt"), "não é entrega").unwrap();

    let started = Instant::now();
    // A correção inteira dentro do cgroup deste teste (se há): 4 caixas
    // por aluno, 2 alunos de cada vez, cada caixa com o seu teto.
    let (mut command, outer_group) = match &outer {
        Some(limiter) => limiter.wrap_sized(
            env!("CARGO_BIN_EXE_professor").into(),
            Vec::new(),
            8 << 30,
            4 * 2 * limites::PROCESSES + 256,
        ),
        None => (Command::new(env!("CARGO_BIN_EXE_professor")), None),
    };
    let output = command
        .arg("notas")
        .arg(&class)
        .args(["--limite", "20", "--paralelo", "2"])
        .env(limites::MEMORY_VARIABLE, MEMORY_MIB.to_string())
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    // As caixas da correção são apagadas uma a uma: nada sobra no cgroup.
    if let Some(group) = outer_group {
        for dir in group.dirs() {
            let left: Vec<String> = fs::read_dir(dir)
                .unwrap()
                .flatten()
                .filter(|e| e.path().is_dir())
                .filter(|e| e.file_name().to_string_lossy().starts_with("caixa-"))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            assert!(
                left.is_empty(),
                "cgroups que sobraram em {}: {left:?}",
                dir.display()
            );
        }
        assert_eq!(
            group.finish(),
            None,
            "a correção inteira passou do teto do teste"
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stderr}\n{stdout}");
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("não é uma entrega: leia-me.txt"),
        "o arquivo solto é relatado: {stderr}"
    );
    assert!(
        elapsed < Duration::from_secs(900),
        "a turma levou {elapsed:?}"
    );

    let exercises = notas::exercises(&root, None).unwrap();
    let csv = fs::read_to_string(class.join("notas.csv")).unwrap();
    let row = |student: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.starts_with(&format!("\"{student}\";")))
            .unwrap_or_else(|| panic!("{student} não está na tabela:\n{csv}"))
            .split(';')
            .map(str::to_string)
            .collect()
    };
    let number = |text: &str| -> f64 { text.replace(',', ".").parse().unwrap() };
    let points = |student: &str, exercise: usize| -> f64 { number(&row(student)[exercise]) };
    let total = |student: &str| -> f64 { number(row(student).last().unwrap()) };
    let full: f64 = exercises.iter().map(|e| e.points).sum();
    let index = |test: &str| 1 + exercises.iter().position(|e| e.test == test).unwrap();
    let sum_of =
        |tests: &[&str]| -> f64 { tests.iter().map(|t| exercises[index(t) - 1].points).sum() };

    assert_eq!(total("referencia"), full, "{csv}");
    assert_eq!(total("kit"), 0.0, "{csv}");
    assert!(
        !row("kit").join(",").contains("não compila"),
        "o kit compila"
    );
    assert_eq!(total("arquivos"), 0.0, "{csv}");
    let ignored = row("arquivos").join(",");
    assert!(ignored.contains(".cargo/config.toml"), "{ignored}");
    assert_eq!(total("saida_zero"), 0.0, "{csv}");
    assert!(
        row("saida_zero")
            .join(",")
            .contains("os testes não rodaram até o fim"),
        "{csv}"
    );
    assert_eq!(total("gancho"), 0.0, "{csv}");
    assert!(
        row("gancho")
            .join(",")
            .contains("código `unsafe` não é aceito (common/src/lib.rs:"),
        "{csv}"
    );
    assert_eq!(total("hostil"), full, "{csv}");
    assert_eq!(points("laco", index("exercicio_05")), 0.0, "{csv}");
    assert_eq!(total("laco"), full - sum_of(&["exercicio_05"]), "{csv}");
    assert!(row("laco").join(",").contains("tempo-limite"), "{csv}");
    let tcp_and_library = [
        "exercicio_03",
        "exercicio_04",
        "exercicio_05",
        "exercicio_06",
        "exercicio_07",
    ];
    assert_eq!(total("nao_compila"), sum_of(&tcp_and_library), "{csv}");
    assert!(
        row("nao_compila")
            .join(",")
            .contains("udp-echo não compila"),
        "{csv}"
    );
    for test in &exercises[1..] {
        assert_eq!(
            points("porta_fixa", index(&test.test)),
            test.points,
            "{csv}"
        );
    }

    // Os relatórios forjados não valem nada; o de dentro do programa de
    // teste fica marcado para o professor olhar.
    assert_eq!(total("troca_binario"), 0.0, "{csv}");
    assert_eq!(total("proc_fd"), 0.0, "{csv}");
    assert_eq!(total("em_processo"), 0.0, "{csv}");
    let flagged = row("em_processo").join(",");
    assert!(
        flagged.contains("ex04: revisar à mão: o relatório"),
        "{flagged}"
    );
    assert!(
        stderr.contains("em_processo") && stderr.contains("revisar à mão"),
        "no terminal também: {stderr}"
    );
    // "unsafe" num texto não é `unsafe`.
    assert_eq!(total("honesto_unsafe"), full, "{csv}");
    if bombs {
        // As bombas custam só o que elas quebram, e o professor vê o teto.
        let fork = row("bomba_processos").join(",");
        assert!(
            fork.contains(&format!("limite de {} processos", limites::PROCESSES)),
            "{fork}"
        );
        let memory = row("bomba_memoria").join(",");
        assert!(
            memory.contains(&format!("limite de {MEMORY_MIB} MiB de memória")),
            "{memory}"
        );
        for student in ["bomba_processos", "bomba_memoria", "enche_disco"] {
            assert_eq!(
                points(student, index("exercicio_04")),
                exercises[index("exercicio_04") - 1].points,
                "a biblioteca não roda o main do UDP: {csv}"
            );
        }
        // Nada do que a bomba de disco escreveu ficou, em lugar nenhum.
        let mut written = Vec::new();
        let mut size = 0;
        let mut stack = vec![base.clone()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let kind = entry.file_type().unwrap();
                if kind.is_dir() {
                    stack.push(entry.path());
                } else if entry.file_name().to_string_lossy().contains("enchendo-") {
                    written.push(entry.path());
                }
                if entry.path().starts_with(class.join(".avaliacao/alunos")) {
                    size += entry.metadata().map(|m| m.len()).unwrap_or(0);
                }
            }
        }
        assert!(written.is_empty(), "a bomba de disco deixou: {written:?}");
        assert!(size < 64 << 20, "as pastas dos alunos têm {size} bytes");
        let tmp = fs::read_dir("/tmp").unwrap().flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .contains(&format!("enchendo-{mark}"))
        });
        assert!(!tmp, "a bomba de disco escreveu no /tmp da máquina");
    }

    // A devolutiva de cada aluno diz o porquê, teste por teste.
    let feedback = |student: &str| {
        fs::read_to_string(class.join("devolutiva").join(format!("{student}.md"))).unwrap()
    };
    let broken_feedback = feedback("nao_compila");
    assert!(
        broken_feedback.contains("## Erros de compilação"),
        "{broken_feedback}"
    );
    assert!(
        broken_feedback.contains("udp-echo/src/server.rs"),
        "{broken_feedback}"
    );
    assert!(feedback("saida_zero").contains("**não terminou**"));
    // A entrega do Moodle tem a chave `nome_número`.
    assert!(feedback("laco_4242").contains("**tempo-limite**"));
    assert!(feedback("arquivos").contains(".cargo/config.toml"));
    assert!(feedback("referencia").contains(&format!("Nota: **{full} de {full}**")));

    // Nada escrito fora da pasta de trabalho.
    let escaped: Vec<_> = fs::read_dir(&outside).unwrap().flatten().collect();
    assert!(escaped.is_empty(), "escreveu fora: {escaped:?}");
    let tmp = PathBuf::from(format!("/tmp/avaliacao-fuga-{mark}"));
    assert!(!tmp.exists(), "escreveu no /tmp da máquina");
    if let Some(home) = std::env::var_os("HOME") {
        let home = Path::new(&home).join(format!("avaliacao-fuga-{mark}"));
        assert!(!home.exists(), "escreveu no $HOME do professor");
    }
    // Nenhuma conexão chegou à máquina.
    assert!(
        listener.accept().is_err(),
        "o código do aluno saiu da caixa pela rede"
    );
    // Nenhum processo sobrou (nem o que fugiu com setsid).
    let left = processes_with(&sleep_mark);
    assert!(left.is_empty(), "processos que sobraram: {left:?}");

    // Corrigir de novo só um aluno atualiza a linha dele.
    fs::remove_dir_all(class.join("kit")).unwrap();
    copy_reference(&class.join("kit"));
    let output = Command::new(env!("CARGO_BIN_EXE_professor"))
        .arg("notas")
        .arg(&class)
        .args(["--aluno", "kit"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = fs::read_to_string(class.join("notas.csv")).unwrap();
    let kit_row = csv.lines().find(|l| l.starts_with("\"kit\";")).unwrap();
    assert!(kit_row.ends_with(&format!(";{full}")), "{csv}");
    let laco_row = csv.lines().find(|l| l.starts_with("\"laco\";")).unwrap();
    assert!(
        laco_row.contains("tempo-limite"),
        "as outras linhas ficam: {csv}"
    );
    let _ = fs::remove_dir_all(&base);
}
