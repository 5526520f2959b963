//! A tabela do `--tcp-info` e os gráficos do laboratório: a mesma entrada dá
//! sempre o mesmo arquivo, byte a byte (snapshots em `tests/tests/snapshots/`).
//! As leituras aqui são inventadas, pequenas e fixas: uma partida lenta, uma
//! perda, a subida de novo; um leitor que para.

use common::tcp_info::{INFINITE_SSTHRESH, Sample, TcpInfo, write_csv};
use professor::grafico::{self, LossPoint};
use professor::svg;

/// Oito leituras de uma conexão: a janela dobra (partida lenta), cai à
/// metade numa perda e volta a subir um segmento por vez.
fn samples() -> Vec<Sample> {
    let cwnd = [10, 20, 40, 80, 40, 41, 42, 43];
    cwnd.iter()
        .enumerate()
        .map(|(i, &cwnd)| {
            let i = i as u64;
            Sample {
                t_ms: i * 10,
                info: TcpInfo {
                    cwnd,
                    ssthresh: if i < 4 { INFINITE_SSTHRESH } else { 40 },
                    mss: 1448,
                    rtt_us: 100 + 50 * i as u32,
                    retrans: u32::from(i >= 4),
                    bytes_acked: i * 100_000,
                    unacked: cwnd,
                    peer_window: if (3..6).contains(&i) { 0 } else { 65_536 },
                    not_sent: 0,
                },
                written: i * 120_000,
                in_flight: if (3..6).contains(&i) { 0 } else { 20_000 },
            }
        })
        .collect()
}

fn csv() -> String {
    let mut out = Vec::new();
    write_csv(&samples(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn tabela_do_tcp_info_e_sempre_a_mesma() {
    insta::assert_snapshot!(csv());
}

#[test]
fn grafico_da_janela_de_congestionamento_e_sempre_o_mesmo() {
    let rows = grafico::read_tcp_info(&csv()).unwrap();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0].ssthresh, None, "ssthresh infinito fica vazio");
    let figure = grafico::congestion("Teste", &[("perda de 1 %".into(), rows.clone())]);
    let first = svg::render(&figure);
    assert_eq!(first, svg::render(&figure));
    insta::assert_snapshot!(first);
    let summary = grafico::summarize_congestion(&rows);
    assert_eq!(summary.cwnd_max, 80.0);
    assert_eq!(summary.drops, 1);
    assert_eq!(summary.cwnd_min_after_drop, 40.0);
}

#[test]
fn grafico_do_controle_de_fluxo_e_sempre_o_mesmo() {
    let rows = grafico::read_tcp_info(&csv()).unwrap();
    insta::assert_snapshot!(svg::render(&grafico::flow("Teste", &rows)));
    let summary = grafico::summarize_flow(&rows);
    assert_eq!(summary.window_min, 0.0);
    assert_eq!(summary.zero_window_ms, 30.0);
}

#[test]
fn grafico_da_vazao_contra_a_perda_e_sempre_o_mesmo() {
    let text = "controle,perda_pct,mib_por_s\nreno,0,5.6\nreno,5,4.1\nbbr,0,5.6\nbbr,5,5.4\n";
    let points = grafico::read_loss_points(text).unwrap();
    assert_eq!(
        points[1],
        LossPoint {
            algorithm: "reno".into(),
            loss_pct: 5.0,
            mib_per_s: 4.1
        }
    );
    insta::assert_snapshot!(svg::render(&grafico::throughput("Teste", &points)));
}

#[test]
fn grafico_do_que_chega_com_perda_e_sempre_o_mesmo() {
    let text =
        "descarte_pct,udp_pct,tcp_pct,retransmitidos\n0,100,100,0\n1,98.5,100,45\n5,94,100,93\n";
    let rows = grafico::read_deliveries(text).unwrap();
    assert_eq!(rows[1].udp_pct, 98.5);
    insta::assert_snapshot!(svg::render(&grafico::delivery("Teste", &rows)));
}

#[test]
fn tabela_estragada_e_explicada() {
    let err = grafico::read_tcp_info("t_ms,cwnd\n0,1\n").unwrap_err();
    assert!(err.contains("falta a coluna ssthresh"), "{err}");
    let err = grafico::read_loss_points("controle,perda_pct,mib_por_s\nreno,x,1\n").unwrap_err();
    assert!(err.contains("\"x\", que não é número"), "{err}");
}
