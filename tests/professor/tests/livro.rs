//! O livro (`docs/`) mostra o código real: veja `professor::livro`.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};

use avaliacao::{PATIENCE, Server, free_port, run, run_command, workspace_root};
use professor::livro::{
    Coverage, check_book, check_page, pages, steps_coverage, transcribed_lines, unused_anchors,
};

#[test]
fn cada_include_do_livro_aponta_para_codigo_que_existe() {
    assert!(
        !pages(&workspace_root()).is_empty(),
        "o livro (docs/src) não tem páginas"
    );
    let problems = check_book(&workspace_root());
    assert!(
        problems.is_empty(),
        "problemas no livro:\n{}",
        problems.join("\n")
    );
}

#[test]
fn o_livro_inclui_os_servidores_e_clientes() {
    let all: String = pages(&workspace_root())
        .iter()
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    for file in [
        "udp-echo/src/server.rs",
        "udp-echo/src/client.rs",
        "tcp-echo/src/server.rs",
        "tcp-echo/src/client.rs",
    ] {
        assert!(all.contains(file), "o livro não inclui {file}");
    }
}

// A verificação precisa pegar os erros que o mdBook deixa passar em silêncio.
#[test]
fn a_verificacao_pega_ancora_errada_arquivo_errado_e_codigo_colado() {
    // Uma página de mentira, dois níveis abaixo da raiz, como docs/src/*.md.
    let page = workspace_root().join("tests/tests/exemplo.md");
    let good = "```rust,ignore\n{{#include ../../udp-echo/src/server.rs:serve}}\n```\n";
    assert!(
        check_page(&page, good).is_empty(),
        "{:?}",
        check_page(&page, good)
    );

    let typo = "```rust,ignore\n{{#include ../../udp-echo/src/server.rs:serv}}\n```\n";
    let problems = check_page(&page, typo);
    assert!(
        problems[0].contains("âncora 'serv' não existe"),
        "{problems:?}"
    );

    let missing = "{{#include ../../udp-echo/src/servidor.rs}}";
    assert!(check_page(&page, missing)[0].contains("não existe"));

    let empty_range = "{{#include ../../udp-echo/src/server.rs:5000:6000}}";
    assert!(check_page(&page, empty_range)[0].contains("não traz nenhuma linha"));

    let pasted = "```rust\nfn main() {\n    let x = 1;\n    println!(\"{x}\");\n}\n```\n";
    assert!(check_page(&page, pasted)[0].contains("colado no texto"));

    let short = "```rust\nlet x = 1;\n```\n\n```text\na\nb\nc\nd\ne\n```\n";
    assert!(check_page(&page, short).is_empty());
}

#[test]
fn cada_ancora_do_codigo_e_incluida_por_alguma_pagina() {
    let unused = unused_anchors(&workspace_root());
    assert!(unused.is_empty(), "âncoras sem uso:\n{}", unused.join("\n"));
}

#[test]
fn a_verificacao_pega_ancora_que_nenhuma_pagina_inclui() {
    // Um workspace de mentira: uma página e um arquivo com duas âncoras.
    let root = std::env::temp_dir().join(format!("livro-ancoras-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("docs/src")).unwrap();
    fs::create_dir_all(root.join("common/src")).unwrap();
    let source = [
        "// ANCHOR: usada",
        "fn a() {}",
        "// ANCHOR_END: usada",
        "// ANCHOR: esquecida",
        "fn b() {}",
        "// ANCHOR_END: esquecida",
    ];
    fs::write(root.join("common/src/a.rs"), source.join("\n")).unwrap();
    fs::write(
        root.join("docs/src/a.md"),
        "```rust,ignore\n{{#include ../../common/src/a.rs:usada}}\n```\n",
    )
    .unwrap();
    let unused = unused_anchors(&root);
    let _ = fs::remove_dir_all(&root);
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(
        unused[0].starts_with("common/src/a.rs:4: a âncora 'esquecida' não é incluída"),
        "{unused:?}"
    );
}

// Os programas das notas em Rust: udp-echo/examples e tcp-echo/examples. O
// livro os mostra antes das listagens completas; aqui eles rodam de verdade,
// pela loopback, um contra o outro e contra os nossos programas completos.

/// O caminho de um exemplo, compilado (uma vez) como os programas dos
/// testes (veja `avaliacao::build_programs`).
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| avaliacao::build_programs("--examples").join("examples"));
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Um servidor das notas rodando numa porta livre; morto ao fim do teste.
struct NotesServer {
    child: Child,
    port: u16,
}

impl NotesServer {
    /// Sobe `name PORTA` e espera o "The server is ready to receive" das notas.
    fn start(name: &str) -> NotesServer {
        // A porta é escolhida antes (o programa das notas não diz qual pegou);
        // se outro programa a tomar nesse meio tempo, tenta outra.
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(example(name))
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("não foi possível iniciar o servidor das notas");
            let stdout = child.stdout.take().expect("stdout do servidor");
            let (first, line) = mpsc::channel();
            std::thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                let _ = first.send(lines.next().and_then(Result::ok));
                for _ in lines {} // o resto da saída (o print(message)) é lido e descartado
            });
            match line.recv_timeout(PATIENCE) {
                Ok(Some(text)) => {
                    assert_eq!(text, "The server is ready to receive");
                    return NotesServer { child, port };
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                }
            }
        }
        panic!("o servidor {name} não subiu em três portas livres");
    }
}

impl Drop for NotesServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Roda o cliente das notas `name` contra `port`, com a frase na entrada.
fn notes_client(name: &str, port: u16, sentence: &str) -> String {
    let mut command = Command::new(example(name));
    command.args(["127.0.0.1", &port.to_string()]);
    let output = run_command(command, sentence.as_bytes());
    assert!(output.status.success(), "{name} falhou: {}", output.stderr);
    output.stdout_text()
}

#[test]
fn servidor_e_cliente_udp_das_notas_em_rust_conversam() {
    let server = NotesServer::start("udp_servidor_notas");
    let reply = notes_client("udp_cliente_notas", server.port, "olá mundo\n");
    // Como nas notas: o servidor UDP responde "no." a tudo.
    assert_eq!(reply, "Input lowercase sentence:no.\n");
}

#[test]
fn servidor_e_cliente_tcp_das_notas_em_rust_conversam() {
    let server = NotesServer::start("tcp_servidor_notas");
    let reply = notes_client("tcp_cliente_notas", server.port, "olá mundo\n");
    // Como o bytes.upper() do Python: só as letras ASCII mudam.
    assert_eq!(reply, "Input lowercase sentence:From Server: OLá MUNDO\n");
}

#[test]
fn clientes_das_notas_em_rust_conversam_com_os_nossos_servidores() {
    let udp = Server::start("udp-echo", &[]);
    let reply = notes_client("udp_cliente_notas", udp.port(), "olá mundo\n");
    assert_eq!(reply, "Input lowercase sentence:OLÁ MUNDO\n");

    let tcp = Server::start("tcp-echo", &[]);
    let reply = notes_client("tcp_cliente_notas", tcp.port(), "olá mundo\n");
    assert_eq!(reply, "Input lowercase sentence:From Server: OLÁ MUNDO\n");
}

#[test]
fn nossos_clientes_conversam_com_os_servidores_das_notas_em_rust() {
    let tcp = NotesServer::start("tcp_servidor_notas");
    let port = tcp.port.to_string();
    let output = run(
        "tcp-echo",
        &["cliente", "--porta", &port, "olá", "mundo"],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "OLá MUNDO\n");
}

// "O Rust mais curto que faz o mesmo": cada programa fica perto do tamanho do
// Python das notas (10 linhas o servidor UDP, 14 o TCP...). Conta as linhas
// entre as âncoras, sem as vazias e os comentários.
#[test]
fn programas_das_notas_em_rust_sao_curtos() {
    for (file, max) in [
        ("udp-echo/examples/udp_servidor_notas.rs", 16),
        ("udp-echo/examples/udp_cliente_notas.rs", 20),
        ("tcp-echo/examples/tcp_servidor_notas.rs", 16),
        ("tcp-echo/examples/tcp_cliente_notas.rs", 20),
    ] {
        let text = fs::read_to_string(workspace_root().join(file)).expect(file);
        let lines = text
            .lines()
            .skip_while(|l| !l.contains("ANCHOR: all"))
            .take_while(|l| !l.contains("ANCHOR_END: all"))
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
            .count();
        assert!(
            lines <= max,
            "{file} tem {lines} linhas de código; o limite é {max}"
        );
        let book: String = pages(&workspace_root())
            .iter()
            .map(|p| fs::read_to_string(p).unwrap_or_default())
            .collect();
        let name = file.rsplit('/').next().unwrap_or(file);
        assert!(book.contains(name), "o livro não mostra {file}");
    }
}

// Cada linha das listagens explicada onde o livro a mostra: num trecho
// incluído (não a listagem inteira) seguido de texto. Citar a linha entre
// crases numa frase não conta (veja `professor::livro::Coverage`). Os passos
// do TCP (tcp-echo/examples, e por último os arquivos de src/) são medidos
// em ordem: uma linha igual à de um passo anterior já foi explicada lá. Os do
// UDP (udp-echo/examples, e por último os arquivos de src/) também. O
// relatório (cargo test -p professor --test livro -- --nocapture) lista o
// que falta.
#[test]
fn cada_linha_das_listagens_e_explicada() {
    let root = workspace_root();
    let server_steps = [
        "tcp-echo/examples/tcp_servidor_notas.rs",
        "tcp-echo/examples/tcp_servidor_1_erros.rs",
        "tcp-echo/examples/tcp_servidor_2_eco.rs",
        "tcp-echo/examples/tcp_servidor_3_threads.rs",
        "tcp-echo/examples/tcp_servidor_4_limites.rs",
        "tcp-echo/src/server.rs",
    ];
    let client_steps = [
        "tcp-echo/examples/tcp_cliente_notas.rs",
        "tcp-echo/examples/tcp_cliente_1_ate_o_fim.rs",
        "tcp-echo/examples/tcp_cliente_2_timeout.rs",
        "tcp-echo/examples/tcp_cliente_3_linhas.rs",
        "tcp-echo/src/client.rs",
    ];
    let udp_server_steps = [
        "udp-echo/examples/udp_servidor_notas.rs",
        "udp-echo/examples/servidor_1_maiusculas.rs",
        "udp-echo/examples/servidor_2_buffer.rs",
        "udp-echo/examples/servidor_3_erros.rs",
        "udp-echo/examples/servidor_4_nunca_maior.rs",
        "udp-echo/examples/servidor_5_endereco.rs",
        "udp-echo/examples/servidor_6_registro.rs",
        "udp-echo/src/server.rs",
    ];
    let udp_client_steps = [
        "udp-echo/examples/udp_cliente_notas.rs",
        "udp-echo/examples/cliente_1_timeout.rs",
        "udp-echo/examples/cliente_2_tentativas.rs",
        "udp-echo/examples/cliente_3_numeros.rs",
        "udp-echo/examples/cliente_4_remetente.rs",
        "udp-echo/examples/cliente_5_frase.rs",
        "udp-echo/src/client.rs",
    ];
    let mut measured: Vec<(Coverage, f64)> = Vec::new();
    for steps in [
        &server_steps[..],
        &client_steps[..],
        &udp_server_steps[..],
        &udp_client_steps[..],
    ] {
        measured.extend(steps_coverage(&root, steps).into_iter().map(|c| (c, 100.0)));
    }
    let mut failures = Vec::new();
    for (coverage, minimum) in &measured {
        let percent = coverage.percent();
        println!(
            "{}: {percent:.0} % de {} linhas de código explicadas (mínimo {minimum:.0} %)",
            coverage.listing, coverage.code_lines
        );
        for (number, line) in &coverage.missing {
            println!("    {}:{number}: {line}", coverage.listing);
        }
        if percent < *minimum {
            failures.push(format!(
                "{}: {percent:.0} % < {minimum:.0} %",
                coverage.listing
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "listagens com linhas sem explicação (veja a lista acima):\n{}",
        failures.join("\n")
    );
}

// Uma linha de código não se explica transcrevendo-a numa frase, com o `;`,
// a `,` ou a `{` do fim: as páginas do TCP não têm nenhuma citação assim.
#[test]
fn paginas_do_tcp_nao_transcrevem_linhas_de_codigo() {
    let mut found = Vec::new();
    for page in [
        "tcp.md",
        "tcp-servidor.md",
        "tcp-cliente.md",
        "tcp-conexoes.md",
        "tcp-fluxo.md",
    ] {
        let path = workspace_root().join("docs/src").join(page);
        let text = fs::read_to_string(&path).expect("página");
        for (line, quote) in transcribed_lines(&text) {
            found.push(format!("docs/src/{page}:{line}: `{quote}`"));
        }
    }
    assert!(
        found.is_empty(),
        "citações que transcrevem uma linha em vez de explicá-la:\n{}",
        found.join("\n")
    );
}

// A verificação das transcrições pega as frases que o livro tinha antes
// (uma linha inteira com o `;` do fim, uma chave aberta sem fechar) e deixa
// passar as citações curtas de uma expressão.
#[test]
fn a_verificacao_pega_transcricoes() {
    let page = "As constantes, `pub const X: Duration = Duration::from_millis(200);`, são...\n\n\
                `let shared = Arc::new(Shared {` junta...\n\n\
                O `read(&mut sentence)` é o `recv(1024)`, e `Some(1..)` casa; o\n\
                comando `tcp-echo cliente \"$(head -c\n100000 /dev/zero)\"` quebra a linha.\n\n\
                ```rust\nlet x = 1;\n```\n";
    let found = transcribed_lines(page);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, 1);
    assert_eq!(found[1].0, 3);
}

// As saídas que o livro mostra (docs/saidas/*.txt) vêm de execuções reais,
// geradas por `bash docs/saidas/gerar.sh`. Este teste roda os experimentos de
// novo e confere que o livro ainda mostra o que eles fazem hoje.
#[test]
fn saidas_do_livro_sao_as_de_agora() {
    let root = workspace_root();
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        return avaliacao::skip("sem python3 nesta máquina (a .ci/run o instala)");
    }
    let saved = |name: &str| {
        fs::read_to_string(root.join("docs/saidas").join(name)).expect("saída guardada")
    };
    let regenerate = "rode `cargo build --workspace && bash docs/saidas/gerar.sh` e confira o texto \
                      do livro que fala dessa saída";

    // SO_REUSEADDR em UDP: o último socket ligado recebe tudo. A divisão do
    // SO_REUSEPORT muda a cada vez; só a primeira parte é comparada.
    let run_experiment = |option: &str| {
        let mut command = Command::new("python3");
        command
            .arg("docs/experimentos/udp_dois_servidores.py")
            .arg(option)
            .current_dir(&root);
        run_command(command, b"").stdout_text()
    };
    let reuseaddr = run_experiment("SO_REUSEADDR");
    assert_eq!(
        reuseaddr,
        "SO_REUSEADDR: dois servidores ligados na mesma porta\n  \
         o primeiro recebeu 0 de 40\n  o segundo recebeu 40 de 40\n"
    );
    assert!(
        saved("udp_dois_servidores.txt").starts_with(&reuseaddr),
        "docs/saidas/udp_dois_servidores.txt mudou: {regenerate}"
    );
    let reuseport = run_experiment("SO_REUSEPORT");
    let counts: Vec<u32> = reuseport
        .lines()
        .filter_map(|l| l.trim().strip_prefix("o ")?.split(' ').nth(2)?.parse().ok())
        .collect();
    assert!(
        counts.len() == 2 && counts.iter().all(|&n| n > 0) && counts.iter().sum::<u32>() == 40,
        "o SO_REUSEPORT devia repartir os 40 datagramas entre os dois: {reuseport}"
    );

    // TIME_WAIT: precisa do `ss` (iproute2).
    if Command::new("ss").arg("-V").output().is_err() {
        return avaliacao::skip("a parte do TIME_WAIT: sem o ss nesta máquina (iproute2)");
    }
    let mut command = Command::new("bash");
    command
        .arg("docs/experimentos/time_wait.sh")
        .env("TCP_ECHO", avaliacao::binary("tcp-echo"))
        .current_dir(&root);
    let time_wait = run_command(command, b"").stdout_text();
    assert_eq!(
        time_wait,
        saved("time_wait.txt"),
        "docs/saidas/time_wait.txt não é o que o experimento mostra hoje: {regenerate}"
    );
}
