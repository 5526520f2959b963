//! O capítulo UDP em passos (`udp-echo/examples/servidor_N_*.rs` e
//! `cliente_N_*.rs`): cada passo é um programa completo, e cada um conversa
//! com o Python das notas (`docs/notas/`) e com os programas do passo ao
//! lado. Os testes conferem também o que cada passo acrescenta: o que o passo
//! anterior não fazia e este faz. Tudo pela loopback, em portas livres.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};

use avaliacao::{
    Output, PATIENCE, Server, ask_udp, free_port, receive_udp, run, run_command, wait_child,
    workspace_root,
};

/// Os passos do servidor, do primeiro depois das notas até o último exemplo.
const SERVER_STEPS: [&str; 6] = [
    "servidor_1_maiusculas",
    "servidor_2_buffer",
    "servidor_3_erros",
    "servidor_4_nunca_maior",
    "servidor_5_endereco",
    "servidor_6_registro",
];

/// Os passos do cliente, do primeiro depois das notas até o último exemplo.
const CLIENT_STEPS: [&str; 5] = [
    "cliente_1_timeout",
    "cliente_2_tentativas",
    "cliente_3_numeros",
    "cliente_4_remetente",
    "cliente_5_frase",
];

/// O caminho de um exemplo compilado (uma vez, como os programas dos testes).
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| avaliacao::build_programs("--examples").join("examples"));
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Um programa do Python das notas (`docs/notas/`), que recebe o servidor e
/// a porta na linha de comando. As notas escrevem um IP fixo, o do
/// laboratório: se o programa deixar de ler a linha de comando, o teste para
/// antes de mandar um datagrama para fora da loopback.
fn notes_script(name: &str) -> PathBuf {
    let path = workspace_root().join("docs/notas").join(name);
    let text = std::fs::read_to_string(&path).expect("o Python das notas");
    assert!(
        text.contains("sys.argv"),
        "{} não lê o servidor e a porta da linha de comando; o teste só fala com 127.0.0.1",
        path.display()
    );
    path
}

/// O `python3`, se a máquina tem um. Na CI ele é obrigatório.
fn python() -> Option<Command> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "a CI precisa do python3 (a .ci/run o instala)"
        );
        eprintln!("\n*** AVISO: sem python3; a conversa com o Python das notas NÃO rodou ***\n");
        return None;
    }
    Some(Command::new("python3"))
}

/// Um servidor que, como o das notas, só diz "The server is ready to
/// receive": a porta é escolhida antes, por nós. Morto ao fim do teste.
struct NotesStyleServer {
    child: Child,
    port: u16,
}

impl NotesStyleServer {
    /// Sobe `command PORTA` e espera a linha das notas.
    fn start(command: impl Fn() -> Command) -> NotesStyleServer {
        // Se outro programa tomar a porta livre nesse meio tempo, tenta outra.
        for _ in 0..3 {
            let port = free_port();
            let mut child = command()
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("não foi possível iniciar o servidor");
            let stdout = child.stdout.take().expect("stdout do servidor");
            let (first, line) = mpsc::channel();
            std::thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                let _ = first.send(lines.next().and_then(Result::ok));
                for _ in lines {} // o print(message) de cada datagrama: lido e descartado
            });
            if let Ok(Some(text)) = line.recv_timeout(PATIENCE) {
                assert_eq!(text, "The server is ready to receive");
                return NotesStyleServer { child, port };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("o servidor não subiu em três portas livres");
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }
}

impl Drop for NotesStyleServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Um passo do servidor rodando: os quatro primeiros só dizem que estão
/// prontos (como as notas); do 5 em diante, dizem onde.
enum StepServer {
    NotesStyle(NotesStyleServer),
    Ours(Server),
}

impl StepServer {
    fn start(step: &str) -> StepServer {
        if step >= "servidor_5" {
            let mut command = Command::new(example(step));
            command.args(["0", "127.0.0.1"]);
            StepServer::Ours(Server::spawn(command))
        } else {
            StepServer::NotesStyle(NotesStyleServer::start(|| Command::new(example(step))))
        }
    }

    fn addr(&self) -> SocketAddr {
        match self {
            StepServer::NotesStyle(server) => server.addr(),
            StepServer::Ours(server) => server.addr,
        }
    }
}

/// Manda `message` a `server` e devolve a resposta (até [`PATIENCE`]).
fn ask(server: SocketAddr, message: &[u8]) -> Vec<u8> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.send_to(message, server).unwrap();
    let (reply, from) = receive_udp(&socket, "a resposta do passo");
    assert_eq!(from, server, "a resposta vem do servidor");
    reply
}

/// Roda o cliente das notas em Python contra `port`, com a frase na entrada.
fn python_client(port: u16, sentence: &str) -> Option<Output> {
    let mut command = python()?;
    command
        .arg(notes_script("udp_cliente.py"))
        .args(["127.0.0.1", &port.to_string()]);
    Some(run_command(command, sentence.as_bytes()))
}

/// Roda um exemplo (um passo do cliente ou o cliente das notas).
fn run_example(name: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut command = Command::new(example(name));
    command.args(args);
    run_command(command, stdin)
}

// O servidor, passo a passo.

#[test]
fn cada_passo_do_servidor_responde_em_maiusculas_aos_clientes_das_notas() {
    for step in SERVER_STEPS {
        let server = StepServer::start(step);
        let port = server.addr().port().to_string();
        let rust = run_example(
            "udp_cliente_notas",
            &["127.0.0.1", &port],
            "olá mundo\n".as_bytes(),
        );
        assert!(rust.status.success(), "{step}: {}", rust.stderr);
        assert_eq!(
            rust.stdout_text(),
            "Input lowercase sentence:OLÁ MUNDO\n",
            "{step} com o cliente das notas em Rust"
        );
        if let Some(python) = python_client(server.addr().port(), "olá mundo\n") {
            assert!(python.status.success(), "{step}: {}", python.stderr);
            // O print de um bytes no Python: o Á aparece como os dois bytes dele.
            assert_eq!(
                python.stdout_text(),
                "Input lowercase sentence:b'OL\\xc3\\x81 MUNDO'\n",
                "{step} com o cliente das notas em Python"
            );
        }
    }
}

/// O que um passo do cliente escreve antes da resposta: os passos 1 a 4
/// pedem a frase como as notas; o 5 só pede quando há um teclado.
fn prompt(step: &str) -> &'static str {
    if step < "cliente_5" {
        "Input lowercase sentence:"
    } else {
        ""
    }
}

/// Cada passo do servidor com cada passo do cliente: o passo ao lado, o de
/// antes e o de depois, conversam todos.
#[test]
fn cada_passo_do_servidor_conversa_com_cada_passo_do_cliente() {
    for server_step in SERVER_STEPS {
        let server = StepServer::start(server_step);
        let port = server.addr().port().to_string();
        for client_step in CLIENT_STEPS {
            let output = run_example(client_step, &["127.0.0.1", &port], "olá mundo\n".as_bytes());
            assert!(
                output.status.success(),
                "{server_step} e {client_step}: {}",
                output.stderr
            );
            assert_eq!(
                output.stdout_text(),
                format!("{}OLÁ MUNDO\n", prompt(client_step)),
                "{server_step} e {client_step}"
            );
        }
    }
}

#[test]
fn passo_1_corta_em_2048_bytes_e_passo_2_recebe_o_datagrama_inteiro() {
    let long = vec![b'a'; 3000];
    let step_1 = StepServer::start("servidor_1_maiusculas");
    assert_eq!(ask(step_1.addr(), &long), vec![b'A'; 2048]);
    let step_2 = StepServer::start("servidor_2_buffer");
    assert_eq!(ask(step_2.addr(), &long), vec![b'A'; 3000]);
}

/// 30 000 letras `ŉ` (60 000 bytes) cabem em um datagrama; em maiúsculas
/// (`ʼN`, 3 bytes cada) seriam 90 000, e o envio da resposta falha.
fn grows_too_much() -> Vec<u8> {
    "ŉ".repeat(30_000).into_bytes()
}

#[test]
fn passo_2_para_num_erro_de_envio_e_passo_3_continua_atendendo() {
    let StepServer::NotesStyle(mut step_2) = StepServer::start("servidor_2_buffer") else {
        unreachable!("o passo 2 é do jeito das notas")
    };
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.send_to(&grows_too_much(), step_2.addr()).unwrap();
    let status = wait_child(&mut step_2.child, PATIENCE).expect("o passo 2 devia ter parado");
    assert!(!status.success(), "o passo 2 sai com erro: {status}");

    let step_3 = StepServer::start("servidor_3_erros");
    socket.send_to(&grows_too_much(), step_3.addr()).unwrap();
    // O servidor segue vivo e responde ao próximo.
    assert_eq!(ask(step_3.addr(), "ação".as_bytes()), "AÇÃO".as_bytes());
}

#[test]
fn passo_4_responde_sem_crescer() {
    let step_4 = StepServer::start("servidor_4_nunca_maior");
    let message = grows_too_much();
    assert_eq!(ask(step_4.addr(), &message), message, "o ŉ volta como veio");
    assert_eq!(ask(step_4.addr(), "aŉb".as_bytes()), "AŉB".as_bytes());
}

#[test]
fn passo_5_escuta_na_porta_que_o_sistema_escolheu_e_diz_qual() {
    let StepServer::Ours(step_5) = StepServer::start("servidor_5_endereco") else {
        unreachable!("o passo 5 diz o endereço")
    };
    assert_ne!(step_5.port(), 0);
    assert_eq!(
        step_5.log()[0],
        format!("Servidor UDP pronto para receber em {}", step_5.addr)
    );
    assert_eq!(ask_udp(&step_5, b"porta zero"), b"PORTA ZERO");
}

#[test]
fn passo_6_registra_cada_datagrama_e_encerra_com_ctrl_c() {
    let StepServer::Ours(mut step_6) = StepServer::start("servidor_6_registro") else {
        unreachable!("o passo 6 diz o endereço")
    };
    assert_eq!(ask_udp(&step_6, "olá".as_bytes()), "OLÁ".as_bytes());
    assert!(
        step_6.wait_for_log(": 4 bytes \"olá\""),
        "{:?}",
        step_6.log()
    );
    let status = step_6.stop_with("INT");
    assert!(status.success(), "{status}");
    assert_eq!(
        step_6.log().last().map(String::as_str),
        Some("servidor UDP encerrado.")
    );
}

// O cliente, passo a passo.

#[test]
fn cada_passo_do_cliente_conversa_com_o_servidor_das_notas_e_com_o_passo_1() {
    let step_1 = StepServer::start("servidor_1_maiusculas");
    let python = python().map(|_| {
        NotesStyleServer::start(|| {
            let mut command = Command::new("python3");
            command.arg(notes_script("udp_servidor.py"));
            command
        })
    });
    for step in CLIENT_STEPS {
        let port = step_1.addr().port().to_string();
        let output = run_example(step, &["127.0.0.1", &port], "olá mundo\n".as_bytes());
        assert!(output.status.success(), "{step}: {}", output.stderr);
        assert_eq!(
            output.stdout_text(),
            format!("{}OLÁ MUNDO\n", prompt(step)),
            "{step} com o servidor do passo 1"
        );
        let Some(python) = &python else { continue };
        let port = python.port.to_string();
        let output = run_example(step, &["127.0.0.1", &port], "olá mundo\n".as_bytes());
        assert!(output.status.success(), "{step}: {}", output.stderr);
        // O servidor das notas responde "no." a tudo; do passo 3 em diante o
        // cliente avisa que a resposta não traz o número da tentativa.
        assert_eq!(
            output.stdout_text(),
            format!("{}no.\n", prompt(step)),
            "{step} com o servidor das notas"
        );
        assert_eq!(
            output.stderr.contains("não traz o número da tentativa"),
            step >= "cliente_3",
            "{step}: {}",
            output.stderr
        );
    }
}

/// Um "servidor" que recebe e nunca responde.
fn silent_server() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

/// Os datagramas que chegaram a `socket` (esperando um pouco pelo último).
fn received(socket: &UdpSocket) -> Vec<Vec<u8>> {
    socket
        .set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .unwrap();
    let mut found = Vec::new();
    let mut buffer = [0u8; 2048];
    while let Ok((n, _)) = socket.recv_from(&mut buffer) {
        found.push(buffer[..n].to_vec());
    }
    found
}

#[test]
fn passo_1_desiste_depois_do_tempo_limite() {
    let silent = silent_server();
    let port = silent.local_addr().unwrap().port().to_string();
    let output = run_example("cliente_1_timeout", &["127.0.0.1", &port], b"oi\n");
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert!(
        output.stderr.contains("nenhuma resposta em 1s"),
        "{}",
        output.stderr
    );
    assert_eq!(received(&silent), [b"oi".to_vec()], "um envio só");
}

#[test]
fn passo_2_tenta_tres_vezes_antes_de_desistir() {
    let silent = silent_server();
    let port = silent.local_addr().unwrap().port().to_string();
    let output = run_example("cliente_2_tentativas", &["127.0.0.1", &port], b"oi\n");
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    for expected in [
        "(tentativa 2 de 3)",
        "(tentativa 3 de 3)",
        "O UDP não garante a entrega",
    ] {
        assert!(output.stderr.contains(expected), "{}", output.stderr);
    }
    assert!(
        output.stdout_text().ends_with(':'),
        "nenhuma resposta na saída"
    );
    assert_eq!(
        received(&silent),
        vec![b"oi".to_vec(); 3],
        "três envios iguais"
    );
}

/// Um servidor de mentira que espera um datagrama e devolve o endereço de
/// quem mandou, para o teste responder como quiser.
fn expect_datagram(socket: &UdpSocket, expected: &[u8]) -> SocketAddr {
    let (message, from) = receive_udp(socket, "um datagrama do cliente");
    assert_eq!(
        String::from_utf8_lossy(&message),
        String::from_utf8_lossy(expected)
    );
    from
}

#[test]
fn passo_3_reconhece_a_resposta_atrasada_de_uma_tentativa_anterior() {
    let server = silent_server();
    let port = server.local_addr().unwrap().port().to_string();
    let client = std::thread::spawn(move || {
        run_example(
            "cliente_3_numeros",
            &["127.0.0.1", &port],
            "olá\n".as_bytes(),
        )
    });
    expect_datagram(&server, "#1 olá".as_bytes());
    // A primeira "se perdeu"; na segunda, chega a resposta da primeira.
    let from = expect_datagram(&server, "#2 olá".as_bytes());
    server.send_to("#1 OLÁ".as_bytes(), from).unwrap();
    let output = client.join().unwrap();
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "Input lowercase sentence:OLÁ\n");
    assert!(
        output
            .stderr
            .contains("resposta da tentativa 1, que chegou atrasada"),
        "{}",
        output.stderr
    );
}

/// O passo 3 aceita a resposta de qualquer um; o 4, só a do servidor.
#[test]
fn passo_4_ignora_um_datagrama_que_nao_veio_do_servidor() {
    for (step, expected) in [
        ("cliente_3_numeros", "INTRUSO"),
        ("cliente_4_remetente", "OLÁ"),
    ] {
        let server = silent_server();
        let stranger = silent_server();
        let port = server.local_addr().unwrap().port().to_string();
        let client = std::thread::spawn(move || {
            run_example(step, &["127.0.0.1", &port], "olá\n".as_bytes())
        });
        let from = expect_datagram(&server, "#1 olá".as_bytes());
        // O estranho chega primeiro: a loopback entrega na ordem de envio.
        stranger.send_to(b"#1 INTRUSO", from).unwrap();
        server.send_to("#1 OLÁ".as_bytes(), from).unwrap();
        let output = client.join().unwrap();
        assert!(output.status.success(), "{step}: {}", output.stderr);
        assert_eq!(
            output.stdout_text(),
            format!("Input lowercase sentence:{expected}\n"),
            "{step}"
        );
        assert_eq!(
            output.stderr.contains("ignorando um datagrama de"),
            step == "cliente_4_remetente",
            "{step}: {}",
            output.stderr
        );
    }
}

#[test]
fn passo_5_le_a_frase_da_linha_de_comando_ou_da_entrada() {
    let server = StepServer::start("servidor_5_endereco");
    let port = server.addr().port().to_string();
    let from_args = run_example(
        "cliente_5_frase",
        &["127.0.0.1", &port, "olá", "mundo"],
        b"",
    );
    assert!(from_args.status.success(), "{}", from_args.stderr);
    assert_eq!(from_args.stdout_text(), "OLÁ MUNDO\n");

    // Pela entrada, sem teclado: sem o convite, só a resposta.
    let from_stdin = run_example(
        "cliente_5_frase",
        &["127.0.0.1", &port],
        "ação\n".as_bytes(),
    );
    assert!(from_stdin.status.success(), "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout_text(), "AÇÃO\n");

    // A entrada acaba sem frase nenhuma: nada é enviado, e o cliente diz por quê.
    let silent = silent_server();
    let port = silent.local_addr().unwrap().port().to_string();
    let empty = run_example("cliente_5_frase", &["127.0.0.1", &port], b"");
    assert_eq!(empty.status.code(), Some(1), "{}", empty.stderr);
    assert!(
        empty
            .stderr
            .contains("a entrada terminou sem nenhuma frase"),
        "{}",
        empty.stderr
    );
    assert!(received(&silent).is_empty());
}

#[test]
fn o_ultimo_passo_do_cliente_conversa_com_o_ultimo_do_servidor_e_com_o_programa() {
    let server = StepServer::start("servidor_6_registro");
    let port = server.addr().port().to_string();
    let output = run("udp-echo", &["cliente", "--porta", &port, "olá"], b"");
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "OLÁ\n");

    let program = Server::start("udp-echo", &[]);
    let port = program.port().to_string();
    let output = run_example("cliente_5_frase", &["127.0.0.1", &port, "olá"], b"");
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "OLÁ\n");
}

// O livro, passo a passo.

/// Cada linha de código de um passo aparece no livro no passo em que ela
/// nasce ou muda: num trecho incluído desse arquivo, ou, se ela já estava
/// igual no passo anterior, lá. O último passo é o arquivo de `src/`, que o
/// teste `livro` já mede inteiro.
#[test]
fn cada_linha_nova_de_cada_passo_aparece_no_livro() {
    let root = workspace_root();
    let examples = "udp-echo/examples";
    let chains = [
        std::iter::once("udp_servidor_notas")
            .chain(SERVER_STEPS)
            .map(|s| format!("{examples}/{s}.rs"))
            .chain(["udp-echo/src/server.rs".to_string()])
            .collect::<Vec<_>>(),
        std::iter::once("udp_cliente_notas")
            .chain(CLIENT_STEPS)
            .map(|s| format!("{examples}/{s}.rs"))
            .chain(["udp-echo/src/client.rs".to_string()])
            .collect::<Vec<_>>(),
    ];
    let same = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut missing = Vec::new();
    for chain in &chains {
        for pair in chain.windows(2) {
            let (before, now) = (&pair[0], &pair[1]);
            let previous: std::collections::HashSet<String> =
                std::fs::read_to_string(root.join(before))
                    .unwrap()
                    .lines()
                    .map(same)
                    .collect();
            let coverage = professor::livro::coverage(&root, now);
            for (number, line) in coverage.missing {
                if !previous.contains(&same(&line)) {
                    missing.push(format!("{now}:{number}: {line}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "linhas novas que o livro não mostra no passo delas:\n{}",
        missing.join("\n")
    );
}
