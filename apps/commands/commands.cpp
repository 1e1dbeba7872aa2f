#include "apps/commands/commands.h"

namespace commands {

cli::CommandList add_all(CLI::App& app) {
    app.require_subcommand(1);
    cli::CommandList commands;
    info::add_command(app, commands);
    quantize::add_command(app, commands);
    run::add_command(app, commands);
    summarise::add_command(app, commands);
    serve::add_command(app, commands);
    make_model::add_command(app, commands);
    tokenize::add_commands(app, commands);
    perplexity::add_command(app, commands);

    CLI::App* bench = app.add_subcommand("bench", "Benchmarks: dequantize, attention kernels, whole models");
    bench->require_subcommand(1);
    bench::add_matvec_command(*bench, commands);
    bench::add_attention_command(*bench, commands);
    bench::add_dequant_command(*bench, commands);
    bench::add_model_command(*bench, commands);
    bench::add_tokenizer_command(*bench, commands);
    return commands;
}

}  // namespace commands
