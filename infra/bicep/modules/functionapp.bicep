// The Functions app: Linux, .NET isolated worker, system-assigned identity, HTTPS only. Flex Consumption by
// default (scale to zero, per-instance concurrency); Elastic Premium when always-warm instances or longer
// executions matter. Every connection (host storage, Durable, tables, registry, ARM, AKS, telemetry) uses the app's
// managed identity: there is no key or connection string with a secret in the settings, except the ACR webhook's
// shared secret.

@description('Region of the plan and the app.')
param location string

@description('Function app name (also its host name: <name>.azurewebsites.net).')
param name string

@description('Hosting plan name.')
param planName string

@description('FlexConsumption (default) or ElasticPremium.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string

@description('The Elastic Premium size, when hostingPlan is ElasticPremium.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param premiumSku string

@description('Most instances the plan scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of one Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param flexInstanceMemoryMB int

@description('The .NET version of the isolated worker.')
param dotnetVersion string

@description('The storage account of the host, the task hub and the tables.')
param storageAccountName string

@description('Its table endpoint (https://<account>.table.core.windows.net/).')
param tableEndpoint string

@description('The deployment container URL (https://<account>.blob.core.windows.net/<container>).')
param deploymentContainerUrl string

@description('Prefix of the service\'s table names.')
param tablePrefix string

@description('The Application Insights component that receives telemetry.')
param appInsightsName string

@description('The registry\'s login server (custom images are pushed there as managed/<nick>).')
param registryLoginServer string

@description('The registry\'s resource name (ACR Tasks builds run on it).')
param registryName string

@description('Base repositories (on the registry, as <login server>/<repository>) registrations may use.')
param baseRepositories string[]

@description('The AKS cluster\'s resource id: the app reads its API server and CA from ARM and signs in with Entra ID.')
param aksClusterId string

@description('The namespace the jobs run in.')
param kubernetesNamespace string

@description('The shared secret the ACR webhook sends; the app checks it (Webhooks:AcrSecret).')
@secure()
param acrWebhookSecret string

@description('The client id of the Entra ID app registration that signs users in; empty leaves App Service authentication off.')
param authClientId string

var isFlex = hostingPlan == 'FlexConsumption'

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : {
        name: premiumSku
        tier: 'ElasticPremium'
      }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: isFlex ? null : maximumInstanceCount
  }
}

// What the app reads (README, "Configuration"; src/Functions/local.settings.json.example lists them all).
var serviceSettings = [
  // Host storage and the Durable task hub with the app's identity instead of a connection string.
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
  { name: 'Storage__TableEndpoint', value: tableEndpoint }
  { name: 'Storage__TablePrefix', value: tablePrefix }
  { name: 'CustomImages__Registry', value: registryLoginServer }
  { name: 'Registry__Acr__Hosts__0', value: registryLoginServer }
  { name: 'Registry__Acr__Credential', value: 'ManagedIdentity' }
  { name: 'Builds__PackageBuilder', value: 'AcrTasks' }
  { name: 'Builds__AcrTasks__SubscriptionId', value: subscription().subscriptionId }
  { name: 'Builds__AcrTasks__ResourceGroup', value: resourceGroup().name }
  { name: 'Builds__AcrTasks__RegistryName', value: registryName }
  { name: 'Jobs__Launcher', value: 'Kubernetes' }
  // Local accounts are off: the app's identity gets Entra ID tokens for the cluster (Registry__Acr__Credential).
  { name: 'Kubernetes__Authentication', value: 'EntraId' }
  { name: 'Kubernetes__Aks__ResourceId', value: aksClusterId }
  { name: 'Kubernetes__Namespace', value: kubernetesNamespace }
  { name: 'Webhooks__AcrSecret', value: acrWebhookSecret }
]

var baseRepositorySettings = [
  for (repository, i) in baseRepositories: { name: 'Registry__AllowedBaseRepositories__${i}', value: repository }
]

// Flex Consumption takes the runtime from functionAppConfig and refuses these two; Premium needs them, and reads the
// package from the deployment container with the app's identity (no Azure Files content share, so no account key).
var premiumSettings = [
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '${deploymentContainerUrl}/released-package.zip' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID', value: 'SystemAssigned' }
]

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    functionAppConfig: isFlex
      ? {
          deployment: {
            storage: {
              type: 'blobContainer'
              value: deploymentContainerUrl
              authentication: { type: 'SystemAssignedIdentity' }
            }
          }
          runtime: {
            name: 'dotnet-isolated'
            version: dotnetVersion
          }
          scaleAndConcurrency: {
            maximumInstanceCount: maximumInstanceCount
            instanceMemoryMB: flexInstanceMemoryMB
          }
        }
      : null
    siteConfig: {
      linuxFxVersion: isFlex ? null : 'DOTNET-ISOLATED|${dotnetVersion}'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(
        serviceSettings,
        baseRepositorySettings,
        // Not a secret: ingestion needs an Entra ID token as well (local auth is off on the component).
        [{ name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }],
        isFlex ? [] : premiumSettings
      )
    }
  }
}

// Publishing signs in with Entra ID (az / func use a token); no basic-auth publishing credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

// App Service authentication (Entra ID): it signs users in and hands the app X-MS-CLIENT-PRINCIPAL with their app
// roles (admin, user). The webhooks are excluded: ACR and Event Grid cannot sign in, they prove a shared secret.
resource auth 'Microsoft.Web/sites/config@2024-11-01' = if (!empty(authClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/api/webhooks/acr'
        '/api/webhooks/eventgrid'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${authClientId}'
            authClientId
          ]
        }
      }
    }
    httpSettings: { requireHttps: true }
  }
}

output name string = app.name
output principalId string = app.identity.principalId
output hostName string = app.properties.defaultHostName
