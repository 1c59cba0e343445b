// Every role assignment of the deployment, each with why it is needed. Assignment names derive from names known
// before deployment (not from principal ids), so what-if can predict them. Nothing is granted at resource group or
// subscription scope: each right sits on the one resource (or AKS namespace) it is used on.

@description('The Functions app\'s name (role assignment names derive from it, known before deployment).')
param appName string

@description('The Functions app\'s system-assigned identity.')
param appPrincipalId string

@description('The AKS kubelet identity (the nodes pull job images with it).')
param kubeletPrincipalId string

param storageAccountName string
param registryName string
param appInsightsName string
param clusterName string

@description('The namespace the app creates Jobs in.')
param kubernetesNamespace string

// Built-in role definitions (ids are the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  acrPush: '8311e382-0749-4cb8-b61a-304f252e45ec'
  acrDelete: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11'
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f'
  aksRbacWriter: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = {
  name: registryName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource cluster 'Microsoft.ContainerService/managedClusters@2025-07-01' existing = {
  name: clusterName
}

// Azure RBAC for Kubernetes scopes a role to a namespace as <cluster id>/namespaces/<name>. ARM has no typed
// resource for a namespace in this CLI's types, hence the untyped reference (it only supplies the scope).
#disable-next-line BCP081
resource jobsNamespace 'Microsoft.ContainerService/managedClusters/namespaces@2025-07-01' existing = {
  parent: cluster
  name: kubernetesNamespace
}

// ACR Tasks package builds: upload the build context, start a run, follow it, read its log, cancel it on timeout.
// Contributor on the registry would also let the app change or delete the registry, its webhooks and its tasks.
resource acrTasksRunner 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(registry.id, 'managed-images-acr-tasks-runner')
  properties: {
    roleName: 'Managed Images ACR Tasks runner (${registry.name})'
    description: 'Starts and follows ACR Tasks quick runs (scheduleRun) on one registry; nothing else.'
    type: 'CustomRole'
    assignableScopes: [
      registry.id
    ]
    permissions: [
      {
        actions: [
          'Microsoft.ContainerRegistry/registries/read'
          'Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action'
          'Microsoft.ContainerRegistry/registries/scheduleRun/action'
          'Microsoft.ContainerRegistry/registries/runs/read'
          'Microsoft.ContainerRegistry/registries/runs/listLogSasUrl/action'
          'Microsoft.ContainerRegistry/registries/runs/cancel/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

// --- The app on its storage account (keys are disabled, so these are the only way in) ---

// The Functions host keeps its leases and keys in blobs and the Durable task hub its large messages and leases;
// host storage with an identity requires Blob Data Owner. Flex Consumption also reads the app's package from the
// deployment container with it.
resource appBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appName, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

// The Durable task hub's control and work-item queues.
resource appQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appName, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

// The Durable instance and history tables, and the service's own tables (registrations, versions, builds).
resource appTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appName, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

// --- The app on telemetry ---

// Application Insights accepts only Entra ID authenticated telemetry (local auth is off).
resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appName, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// --- The app on the registry ---

// The app reads base manifests and layers, mounts base layers into managed/<nick> and pushes the custom layer,
// config and manifest there. AcrPush includes pull. It is registry-wide: in the registry's default RBAC mode ACR has
// no per-repository role assignment, so the split "read bases, write only managed/*" is enforced by the app
// (Registry:AllowedBaseRepositories). See infra/bicep/README.md for the ABAC alternative.
resource appPush 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, appName, roles.acrPush)
  scope: registry
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPush)
  }
}

// Deleting an image (DELETE /api/images/{nick}) and garbage collection delete custom manifests; AcrPush cannot.
resource appDelete 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, appName, roles.acrDelete)
  scope: registry
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrDelete)
  }
}

// Package builds on ACR Tasks (Builds:PackageBuilder = AcrTasks), with the custom role above.
resource appTasks 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, appName, 'acr-tasks-runner')
  scope: registry
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: acrTasksRunner.id
  }
}

// --- The app on AKS ---

// Reads the cluster's user kubeconfig (API server address and CA certificate); it carries no credential with Entra
// ID sign-in and local accounts off. What the app may do inside the cluster is the next assignment.
resource appClusterUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, appName, roles.aksClusterUser)
  scope: cluster
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.aksClusterUser)
  }
}

// Create, watch and delete Jobs and read their pods' logs in the jobs namespace only (Azure RBAC for Kubernetes);
// nothing in other namespaces, nothing cluster-wide, no role bindings.
resource appJobsWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(jobsNamespace.id, appName, roles.aksRbacWriter)
  scope: jobsNamespace
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.aksRbacWriter)
  }
}

// --- The cluster on the registry ---

// The nodes pull the job images (managed/<nick>@digest) with the kubelet identity: no image pull secrets.
resource kubeletPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, clusterName, 'kubelet', roles.acrPull)
  scope: registry
  properties: {
    principalId: kubeletPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}
