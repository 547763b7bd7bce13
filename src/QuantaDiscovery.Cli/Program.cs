using QuantaDiscovery.Cli;

return await QuantaCli.RunAsync(args);
