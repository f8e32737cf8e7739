package com.marketplace.kafka.topics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.server.authorizer.AclCreateResult;
import org.apache.kafka.server.authorizer.AclDeleteResult;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.apache.kafka.server.authorizer.Authorizer;
import org.apache.kafka.server.authorizer.AuthorizerServerInfo;

/**
 * A broker's authorizer ({@code authorizer.class.name}) that lets every principal do everything
 * except create topics, as a cluster whose ACLs give the pipeline no {@code CREATE} permission does.
 */
public final class DenyTopicCreation implements Authorizer {

    @Override
    public Map<Endpoint, ? extends CompletionStage<Void>> start(AuthorizerServerInfo serverInfo) {
        Collection<Endpoint> endpoints = serverInfo.endpoints();
        return endpoints.stream().collect(Collectors.toMap(Function.identity(),
                e -> CompletableFuture.<Void>completedFuture(null)));
    }

    @Override
    public List<AuthorizationResult> authorize(AuthorizableRequestContext context, List<Action> actions) {
        return actions.stream()
                .map(action -> action.operation() == AclOperation.CREATE
                        && action.resourcePattern().resourceType() != ResourceType.GROUP
                        ? AuthorizationResult.DENIED : AuthorizationResult.ALLOWED)
                .toList();
    }

    @Override
    public AuthorizationResult authorizeByResourceType(AuthorizableRequestContext context, AclOperation op,
                                                       ResourceType resourceType) {
        return AuthorizationResult.ALLOWED;
    }

    @Override
    public List<? extends CompletionStage<AclCreateResult>> createAcls(AuthorizableRequestContext context,
                                                                       List<AclBinding> bindings) {
        throw new UnsupportedOperationException("no ACLs here");
    }

    @Override
    public List<? extends CompletionStage<AclDeleteResult>> deleteAcls(AuthorizableRequestContext context,
                                                                       List<AclBindingFilter> filters) {
        throw new UnsupportedOperationException("no ACLs here");
    }

    @Override
    public Iterable<AclBinding> acls(AclBindingFilter filter) {
        return List.of();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
