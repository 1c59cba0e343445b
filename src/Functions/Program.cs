using ManagedImages.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The Azure Functions host: HTTP triggers over the shared API handlers, Durable triggers over src/Activities.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddManagedImagesFunctions(builder.Configuration);
builder.Build().Run();
