//! O resultado do `tcp-echo bench`: a tabela para gente, ou a linha
//! `RESULTADO` para outro programa (`--formato`). As linhas que só um modo
//! tem são escritas pelo arquivo do modo (`show`).

use std::time::Duration;

use common::bench::{little, plural};
use common::out;
use common::report::{Fields, Format, Value};
use common::stats::{Summary, decimal, per_second, thousands};

use super::{Config, Measure, Tally};

/// Mostra o resultado no formato pedido.
pub(super) fn show(config: &Config, total: &Tally, elapsed: Duration) {
    if config.format != Format::Texto {
        fields(config, total, elapsed).print(config.format);
        return;
    }
    out!();
    out!(
        "Resultado: TCP, modo {}, {}, {} s{}",
        config.measure.mode().name(),
        plural(config.connections, "conexão", "conexões"),
        decimal(elapsed.as_secs_f64(), 2),
        if common::shutdown::interrupted() {
            " (interrompido pelo Ctrl+C)"
        } else {
            ""
        }
    );
    out!(
        "  conexões feitas      {:>12}",
        thousands(total.connections)
    );
    out!("  respostas certas     {:>12}", thousands(total.answered));
    out!("  respostas erradas    {:>12}", thousands(total.wrong));
    out!("  erros                {:>12}", thousands(total.errors));
    match &config.measure {
        Measure::Ping(ping) => ping.show(config.connections, total, elapsed),
        Measure::Fluxo(fluxo) => fluxo.show(total, elapsed),
        Measure::Conexoes(many) => many.show(total),
        Measure::UmaPorConexao(each) => each.show(total, elapsed),
    }
}

/// A linha das respostas por segundo (ping e uma-por-conexao).
pub(super) fn rate(per_second: f64) {
    out!(
        "  respostas/s          {:>12}",
        thousands(per_second as u64)
    );
}

/// As linhas dos percentis do tempo de resposta, com o nome que o modo dá a
/// esse tempo (`RTT`, `até responder`); devolve o resumo, para outras contas.
pub(super) fn latencies(total: &Tally, label: &str) -> Summary {
    let summary = total.latencies.clone().summary();
    if !total.latencies.is_empty() {
        for (name, micros) in [
            ("p50", summary.p50),
            ("p99", summary.p99),
            ("máx", summary.max),
        ] {
            let label = format!("{label} {name}");
            out!("  {label:<21}{:>12} µs", thousands(micros.into()));
        }
    }
    summary
}

/// Os campos da linha `RESULTADO`: os mesmos em todo modo, para quem lê a
/// linha não ter de saber o modo (o que um modo não mede vale 0).
fn fields(config: &Config, total: &Tally, elapsed: Duration) -> Fields {
    let rtt = total.latencies.clone().summary();
    let mib_per_s = per_second(total.bytes, elapsed) / (1024.0 * 1024.0);
    let rate = per_second(total.answered, elapsed);
    // As mensagens em voo e o tamanho de cada uma: só o ping e o
    // uma-por-conexao mandam mensagens de `--tamanho` bytes.
    let (in_flight, size) = match &config.measure {
        Measure::Ping(ping) => (ping.in_flight, ping.size),
        Measure::UmaPorConexao(each) => (1, each.size),
        Measure::Fluxo(_) | Measure::Conexoes(_) => (0, 0),
    };
    Fields::default()
        .with("protocolo", Value::Text("tcp"))
        .with("modo", Value::Text(config.measure.mode().name()))
        .with("conexoes", Value::Count(config.connections as u64))
        .with("em_voo", Value::Count(in_flight as u64))
        .with("tamanho", Value::Count(size as u64))
        .with("segundos", Value::Number(elapsed.as_secs_f64(), 3))
        .with("interrompido", Value::Flag(common::shutdown::interrupted()))
        .with("conexoes_feitas", Value::Count(total.connections))
        .with("respondidos", Value::Count(total.answered))
        .with("errados", Value::Count(total.wrong))
        .with("erros", Value::Count(total.errors))
        .with("segunda_linha", Value::Count(total.second_answered))
        .with("por_segundo", Value::Number(rate, 0))
        .with("bytes", Value::Count(total.bytes))
        .with("mib_por_segundo", Value::Number(mib_per_s, 1))
        .with("p50_us", Value::Count(rtt.p50.into()))
        .with("p99_us", Value::Count(rtt.p99.into()))
        .with("max_us", Value::Count(rtt.max.into()))
        .with("janela_us", Value::Count(total.window_us()))
        .with("media_us", Value::Number(rtt.mean, 1))
        .with("a_caminho_medido", Value::Number(little(rate, rtt.mean), 2))
}
