//! Entradas erradas na linha de comando: mensagem em português, código de
//! saída diferente de zero, e nunca um pânico.

use avaliacao::run;

/// Roda `program args` e devolve (código de saída, stderr), conferindo que
/// não houve pânico.
fn fails(program: &str, args: &[&str]) -> (i32, String) {
    let output = run(program, args, b"");
    let code = output.status.code().expect("saiu com um código");
    assert_ne!(code, 0, "{program} {args:?} deveria falhar");
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
    assert!(!output.stderr.contains("backtrace"), "{}", output.stderr);
    assert!(
        !output.stderr.contains("error:"),
        "mensagem em inglês: {}",
        output.stderr
    );
    (code, output.stderr)
}

#[test]
fn porta_que_nao_e_numero() {
    for program in ["udp-echo", "tcp-echo"] {
        let (code, stderr) = fails(program, &["cliente", "--porta", "abc"]);
        assert_eq!(code, 2);
        assert!(
            stderr.starts_with("erro: valor inválido 'abc' para '--porta <N>': a porta deve ser um número inteiro de 0 a 65535"),
            "{stderr}"
        );
    }
}

#[test]
fn porta_grande_demais() {
    let (_, stderr) = fails("udp-echo", &["servidor", "--porta", "70000"]);
    assert!(stderr.contains("de 0 a 65535"), "{stderr}");
}

/// Um nome com espaço não pode existir, e o erro vem sem consulta ao DNS: os
/// testes nunca mandam nada para fora da máquina.
#[test]
fn host_desconhecido() {
    for program in ["udp-echo", "tcp-echo"] {
        let (code, stderr) = fails(program, &["cliente", "--servidor", "nao existe", "oi"]);
        assert_eq!(code, 1);
        assert!(
            stderr.contains("não foi possível encontrar o endereço de 'nao existe'"),
            "{stderr}"
        );
    }
}

#[test]
fn endereco_que_nao_e_desta_maquina() {
    // 192.0.2.1 é reservado para documentação (RFC 5737): nunca é desta máquina.
    let (code, stderr) = fails(
        "tcp-echo",
        &["servidor", "--endereco", "192.0.2.1", "--porta", "0"],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("não pertence a esta máquina"), "{stderr}");
}

#[test]
fn timeout_invalido() {
    let (_, stderr) = fails("udp-echo", &["cliente", "--timeout", "0"]);
    assert!(stderr.contains("de 1ms a 86400s"), "{stderr}");
    let (_, stderr) = fails("udp-echo", &["cliente", "--tentativas", "0"]);
    assert!(stderr.contains("de 1 a 100"), "{stderr}");
}

#[test]
fn timeout_invalido_explica_a_faixa_sem_espacos_a_mais() {
    let (code, stderr) = fails("tcp-echo", &["cliente", "--timeout", "0"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.lines().next(),
        Some(
            "erro: valor inválido '0' para '--timeout <TEMPO>': o tempo deve ser de 1ms a \
             86400s (um dia), como 5s, 0.5s ou 200ms (sem unidade: segundos)"
        )
    );
}

#[test]
fn tempo_negativo_e_um_tempo_invalido() {
    let (code, stderr) = fails("udp-echo", &["servidor", "--atraso", "-1ms"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.lines().next(),
        Some(
            "erro: valor inválido '-1ms' para '--atraso <TEMPO>': um tempo não pode ser \
             negativo ('-1ms'); o tempo deve ter a unidade e ir de 0 a 60s (um minuto), \
             como 200ms ou 1.5s"
        )
    );
}

#[test]
fn opcao_repetida_diz_que_foi_dada_duas_vezes() {
    for program in ["udp-echo", "tcp-echo"] {
        let (code, stderr) = fails(program, &["cliente", "--porta", "1", "--porta", "2"]);
        assert_eq!(code, 2);
        assert_eq!(
            stderr.lines().next(),
            Some("erro: '--porta <N>' foi dado mais de uma vez; use-o uma vez só")
        );
    }
}

#[test]
fn porta_negativa_e_uma_porta_invalida() {
    for program in ["udp-echo", "tcp-echo"] {
        let (code, stderr) = fails(program, &["servidor", "--porta", "-1"]);
        assert_eq!(code, 2);
        assert!(
            stderr.starts_with("erro: valor inválido '-1' para '--porta <N>': a porta deve ser"),
            "{stderr}"
        );
    }
}

/// `--intervalo`, `--atraso` e `--variacao` já foram em milissegundos: sem a
/// unidade, o número é recusado (e não lido em segundos, em silêncio).
#[test]
fn tempo_curto_sem_unidade_e_recusado_com_a_sugestao() {
    for (program, args) in [
        ("udp-echo", &["ping", "--intervalo", "200"][..]),
        ("udp-echo", &["servidor", "--atraso", "200"][..]),
        ("udp-echo", &["servidor", "--variacao", "200"][..]),
    ] {
        let (code, stderr) = fails(program, args);
        assert_eq!(code, 2, "{program} {args:?}");
        assert!(
            stderr.contains("falta a unidade: escreva 200ms (milissegundos) ou 200s (segundos)"),
            "{stderr}"
        );
    }
}

/// Todo tempo aceita a unidade, e as opções comuns têm a forma curta.
#[test]
fn tempos_com_unidade_e_opcoes_curtas() {
    let server = avaliacao::Server::start("udp-echo", &[]);
    let port = server.port().to_string();
    let output = run(
        "udp-echo",
        &["ping", "-p", &port, "-c", "2", "-i", "10ms", "-t", "500ms"],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert!(
        output.stdout_text().contains("2 enviados, 2 recebidos"),
        "{}",
        output.stdout_text()
    );
    let output = run(
        "udp-echo",
        &["cliente", "-p", &port, "-t", "1.5s", "oi"],
        b"",
    );
    assert_eq!(output.stdout_text(), "OI\n", "{}", output.stderr);
}

/// `ajuda` (ou `help`) mostra a ajuda, dele ou de um subcomando; um
/// subcomando digitado errado sugere o nome em português, um só.
#[test]
fn ajuda_como_subcomando_e_sugestao_de_subcomando() {
    for program in ["udp-echo", "tcp-echo"] {
        for word in ["ajuda", "help"] {
            let output = run(program, &[word], b"");
            assert!(output.status.success(), "{}", output.stderr);
            assert!(
                output.stdout_text().contains("Subcomandos:"),
                "{}",
                output.stdout_text()
            );
            let output = run(program, &[word, "servidor"], b"");
            assert!(output.status.success(), "{}", output.stderr);
            assert!(
                output
                    .stdout_text()
                    .contains(&format!("Uso: {program} servidor [OPÇÕES]")),
                "{}",
                output.stdout_text()
            );
        }
        let (code, stderr) = fails(program, &["ajuda", "servdor"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains("subcomando desconhecido 'servdor'"),
            "{stderr}"
        );
        let (_, stderr) = fails(program, &["servido"]);
        assert!(
            stderr.contains("dica: você quis dizer 'servidor'?"),
            "{stderr}"
        );
    }
}

/// Fora de um terminal (ou com NO_COLOR), os erros vêm sem códigos de cor.
#[test]
fn erros_sem_cor_fora_do_terminal() {
    let (_, stderr) = fails("udp-echo", &["servido"]);
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

#[test]
fn tempo_abaixo_de_um_milissegundo_e_recusado() {
    // 0.0000005 s seria arredondado para zero, e zero é "esperar para sempre".
    for (program, args) in [
        ("udp-echo", &["cliente", "--timeout", "0.0000005", "oi"][..]),
        ("udp-echo", &["ping", "--timeout", "0.0009"][..]),
        ("tcp-echo", &["servidor", "--ocioso", "0.0000005"][..]),
        ("tcp-echo", &["cliente", "--timeout", "0.0000005", "oi"][..]),
    ] {
        let (code, stderr) = fails(program, args);
        assert_eq!(code, 2, "{program} {args:?}");
        assert!(stderr.contains("de 1ms a 86400s (um dia)"), "{stderr}");
    }
}

#[test]
fn valores_enormes_sao_recusados_com_a_faixa_certa() {
    // Cada um destes já derrubou o programa: estouro do relógio (1e19 s),
    // memória pedida para 4 bilhões de pings ou de bytes.
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "udp-echo",
            &["cliente", "--timeout", "1e19", "oi"],
            "de 1ms a 86400s",
        ),
        (
            "udp-echo",
            &["bench", "--duracao", "1e19"],
            "de 1ms a 86400s",
        ),
        (
            "udp-echo",
            &["bench", "--timeout", "inf"],
            "de 1ms a 86400s",
        ),
        (
            "tcp-echo",
            &["bench", "--duracao", "1e19"],
            "de 1ms a 86400s",
        ),
        (
            "tcp-echo",
            &["servidor", "--ocioso", "1e19"],
            "de 1ms a 86400s",
        ),
        (
            "udp-echo",
            &["ping", "--contagem", "4294967295"],
            "de 1 a 100000",
        ),
        (
            "udp-echo",
            &["ping", "--intervalo", "18446744073709551615ms"],
            "de 0 a 60s",
        ),
        (
            "udp-echo",
            &["servidor", "--atraso", "60001ms"],
            "de 0 a 60s",
        ),
        ("udp-echo", &["servidor", "--variacao", "-5"], "de 0 a 60s"),
        (
            "udp-echo",
            &["cliente", "--tentativas", "101", "oi"],
            "de 1 a 100",
        ),
        (
            "udp-echo",
            &["bench", "--em-voo", "4294967295"],
            "de 1 a 1000",
        ),
        ("udp-echo", &["bench", "--clientes", "3000"], "de 1 a 1000"),
        (
            "udp-echo",
            &["bench", "--contagem", "4294967296"],
            "de 1 a 100000000",
        ),
        (
            "udp-echo",
            &["bench", "--tamanho", "4294967295"],
            "de 16 a 65507",
        ),
        (
            "tcp-echo",
            &["bench", "--tamanho", "4294967295"],
            "de 1 a 1048576",
        ),
        (
            "tcp-echo",
            &["bench", "--em-voo", "4294967295"],
            "de 1 a 1000",
        ),
        (
            "tcp-echo",
            &["bench", "--conexoes", "1000000"],
            "de 1 a 10000",
        ),
        ("tcp-echo", &["bench", "--partes", "0"], "de 1 a 1000"),
        (
            "tcp-echo",
            &["bench", "--mib", "4294967295"],
            "de 1 a 65536",
        ),
        (
            "tcp-echo",
            &["servidor", "--max-conexoes", "4294967295"],
            "de 1 a 10000",
        ),
        ("tcp-echo", &["servidor", "--backlog", "-1"], "de 1 a 65535"),
    ];
    for (program, args, range) in cases {
        let (code, stderr) = fails(program, args);
        assert_eq!(code, 2, "{program} {args:?}");
        assert!(
            stderr.starts_with("erro: valor inválido"),
            "{program} {args:?}: {stderr}"
        );
        assert!(stderr.contains(range), "{program} {args:?}: {stderr}");
    }
}

#[test]
fn opcao_desconhecida_sugere_a_certa() {
    let (code, stderr) = fails("udp-echo", &["cliente", "--timeot", "1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("opção desconhecida '--timeot'"), "{stderr}");
    assert!(stderr.contains("você quis dizer '--timeout'?"), "{stderr}");
}

#[test]
fn subcomando_desconhecido() {
    let (code, stderr) = fails("tcp-echo", &["servir"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("subcomando desconhecido 'servir'"),
        "{stderr}"
    );
}

#[test]
fn sem_subcomando_mostra_a_ajuda() {
    let output = run("udp-echo", &[], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        output.stderr.contains("Uso: udp-echo <SUBCOMANDO>"),
        "{}",
        output.stderr
    );
}

#[test]
fn saida_fechada_no_meio_nao_causa_panico() {
    // `udp-echo ping | head -2`: o head fecha a saída depois de 2 linhas.
    let server = avaliacao::Server::start("udp-echo", &[]);
    let script = format!(
        "'{}' ping --porta {} --contagem 50 --intervalo 5ms | head -2",
        avaliacao::binary("udp-echo").display(),
        server.port()
    );
    let mut command = std::process::Command::new("sh");
    command.args(["-c", &script]);
    let output = avaliacao::run_command(command, b"");
    assert_eq!(output.stdout_text().lines().count(), 2);
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
}

/// `program bench ...` com no máximo 8 processos e threads para o usuário
/// (`RLIMIT_NPROC`, o `ulimit -u`). O limite não vale para o root; como root,
/// o comando roda como o usuário `nobody`. `None` se isso não for possível
/// nesta máquina (o `nobody` não alcança o programa, por exemplo).
#[cfg(unix)]
fn with_few_threads(program: &str, args: &[&str]) -> Option<std::process::Command> {
    use std::os::unix::process::CommandExt;
    let root = unsafe { libc::getuid() } == 0;
    let command = |args: &[&str]| {
        let mut command = std::process::Command::new(avaliacao::binary(program));
        command.args(args);
        if root {
            command.uid(65534).gid(65534);
        }
        command
    };
    let probe = command(&["--version"]).output().ok()?;
    if !probe.status.success() {
        return None;
    }
    let mut command = command(args);
    // SAFETY: entre o fork e o exec, só uma chamada ao sistema (setrlimit),
    // sem alocar memória nem tocar em travas.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 8,
                rlim_max: 8,
            };
            if libc::setrlimit(libc::RLIMIT_NPROC, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    Some(command)
}

#[cfg(unix)]
#[test]
fn thread_que_o_sistema_nao_cria_no_bench_e_um_erro_em_portugues() {
    // Com o limite de threads do usuário em 8, a nona thread não nasce: o
    // bench explica e sai com erro, sem pânico. A porta 9 (discard) não
    // precisa de servidor: o erro vem antes de qualquer resposta.
    for (program, clients) in [("udp-echo", "--clientes"), ("tcp-echo", "--conexoes")] {
        let args = [
            "bench",
            clients,
            "100",
            "--contagem",
            "1",
            "--timeout",
            "1",
            "--porta",
            "9",
        ];
        let Some(command) = with_few_threads(program, &args) else {
            return avaliacao::skip("não foi possível limitar as threads nesta máquina");
        };
        let output = avaliacao::run_command(command, b"");
        assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
        assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
        assert!(
            output.stderr.contains("o kernel não deixou criar a thread"),
            "{}",
            output.stderr
        );
        assert!(output.stderr.contains(clients), "{}", output.stderr);
    }
}

/// Num terminal de verdade (o `script` do util-linux finge um), os erros vêm
/// coloridos como a ajuda; com NO_COLOR (<https://no-color.org>), sem cor.
#[test]
fn erros_coloridos_no_terminal_e_sem_cor_com_no_color() {
    let in_terminal = |no_color: bool| -> Option<String> {
        let program = avaliacao::binary("udp-echo");
        let mut command = std::process::Command::new("script");
        command
            .args(["-qec"])
            .arg(format!("'{}' servido", program.display()))
            .arg("/dev/null")
            .env_remove("NO_COLOR");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let output = command.output().ok()?;
        Some(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let Some(colored) = in_terminal(false) else {
        return avaliacao::skip("sem o comando `script` nesta máquina (pacote bsdutils)");
    };
    assert!(colored.contains("\x1b[31merro:"), "{colored:?}");
    assert!(colored.contains("dica:"), "{colored:?}");
    let plain = in_terminal(true).expect("script");
    assert!(plain.contains("erro: subcomando desconhecido"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}
